/// What the train command's `--augment` list asks for: Keras geometry plus extra augmentations.
///
/// Names: `rotation`, `shift`, `shear`, `zoom`, `flip` each turn on that part of the write-up's
/// generator (``ImageDataGenerator/writeup``'s values); `writeup` turns on all five; `none`
/// (alone) none. Any of ``ExtraAugmentation/named`` adds that extra, in list order. The
/// generator always rescales to [0, 1], as the write-up's does.
public struct AugmentationPlan: Sendable, Equatable {
    public var generator: ImageDataGenerator
    public var extras: [ExtraAugmentation]

    public init(generator: ImageDataGenerator, extras: [ExtraAugmentation] = []) {
        self.generator = generator
        self.extras = extras
    }

    public static func parse(_ list: String) throws(AugmentationListError) -> AugmentationPlan {
        let writeup = ImageDataGenerator.writeup
        var generator = ImageDataGenerator(rescale: writeup.rescale)
        let items = AugmentationListError.items(list)
        if items.contains("none") {
            guard items == ["none"] else { throw .noneWithOthers }
            return AugmentationPlan(generator: generator)
        }
        var extraNames: [String] = []
        var seen: Set<String> = []
        for item in items {
            guard seen.insert(item).inserted else { throw .repeated(item) }
            switch item {
            case "writeup": generator = writeup
            case "rotation": generator.rotationRange = writeup.rotationRange
            case "shift":
                generator.widthShiftRange = writeup.widthShiftRange
                generator.heightShiftRange = writeup.heightShiftRange
            case "shear": generator.shearRange = writeup.shearRange
            case "zoom": generator.zoomRange = writeup.zoomRange
            case "flip":
                generator.horizontalFlip = writeup.horizontalFlip
                generator.verticalFlip = writeup.verticalFlip
            default:
                guard ExtraAugmentation.named.contains(where: { $0.key == item }) else {
                    throw .unknown(item, known: ["writeup", "none", "rotation", "shift", "shear", "zoom", "flip"]
                        + ExtraAugmentation.named.map(\.key))
                }
                extraNames.append(item)
            }
        }
        return AugmentationPlan(generator: generator, extras: try ExtraAugmentation.parse(extraNames.joined(separator: ",")))
    }
}
