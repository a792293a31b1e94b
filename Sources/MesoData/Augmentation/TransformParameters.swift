import Foundation

/// One draw of Keras' random geometric transform: the dictionary that
/// `ImageDataGenerator.get_random_transform` returns and `apply_transform` takes.
///
/// In Keras' channels_last convention `tx` is the *column* offset and `ty` the *row* offset,
/// in pixels (`out[r, c] = in[r + ty, c + tx]` for a pure shift); `zx` scales the column
/// sampling step and `zy` the row step (below 1 magnifies). Angles are in degrees; positive
/// `theta` turns the content counter-clockwise as displayed.
public struct TransformParameters: Sendable, Equatable, Codable {
    public var theta: Double
    public var tx: Double
    public var ty: Double
    public var shear: Double
    public var zx: Double
    public var zy: Double
    public var flipHorizontal: Bool
    public var flipVertical: Bool

    public init(theta: Double = 0, tx: Double = 0, ty: Double = 0, shear: Double = 0, zx: Double = 1, zy: Double = 1,
                flipHorizontal: Bool = false, flipVertical: Bool = false) {
        self.theta = theta
        self.tx = tx
        self.ty = ty
        self.shear = shear
        self.zx = zx
        self.zy = zy
        self.flipHorizontal = flipHorizontal
        self.flipVertical = flipVertical
    }

    /// No change at all.
    public static let identity = TransformParameters()

    /// The `scipy.ndimage.affine_transform` matrix and offset that Keras' `apply_affine_transform`
    /// resamples an image of this size with, or nil when it skips resampling (no rotation, shift,
    /// shear or zoom: then the image is returned bit for bit).
    ///
    /// Built as Keras does, in (x, y) coordinates, `R(theta) · Shift(tx, ty) · Shear · Zoom` with
    /// only the non-trivial factors multiplied in, in that order; centred by
    /// `transform_matrix_offset_center(m, height, width)`, that is with `o_x = height/2 − 0.5` on x
    /// and `o_y = width/2 − 0.5` on y; then x and y swapped to give (row, col). So for a
    /// non-square image rows turn about `(width − 1)/2` and columns about `(height − 1)/2`: Keras'
    /// own quirk, kept so that results match it.
    public func resampling(height: Int, width: Int) -> AffineResampling? {
        var factors: [Matrix3] = []
        if theta != 0 {
            let angle = Self.radians(theta)
            factors.append([[cos(angle), -sin(angle), 0], [sin(angle), cos(angle), 0], [0, 0, 1]])
        }
        if tx != 0 || ty != 0 {
            factors.append([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
        }
        if shear != 0 {
            let angle = Self.radians(shear)
            factors.append([[1, -sin(angle), 0], [0, cos(angle), 0], [0, 0, 1]])
        }
        if zx != 1 || zy != 1 {
            factors.append([[zx, 0, 0], [0, zy, 0], [0, 0, 1]])
        }
        guard var matrix = factors.first else { return nil }
        for factor in factors.dropFirst() { matrix = multiply(matrix, factor) }
        let ox = Double(height) / 2 - 0.5
        let oy = Double(width) / 2 - 0.5
        matrix = multiply(multiply([[1, 0, ox], [0, 1, oy], [0, 0, 1]], matrix), [[1, 0, -ox], [0, 1, -oy], [0, 0, 1]])
        // Swapping both axes turns the (x, y) matrix into the (row, col) one.
        return AffineResampling(matrix: [[matrix[1][1], matrix[1][0]], [matrix[0][1], matrix[0][0]]],
                                offset: [matrix[1][2], matrix[0][2]])
    }

    /// `np.deg2rad`: degrees times π/180.
    private static func radians(_ degrees: Double) -> Double { degrees * (Double.pi / 180) }
}

/// The input coordinates `scipy.ndimage.affine_transform` samples for each output pixel:
/// `(in_row, in_col) = matrix · (row, col) + offset`, pixel centres on integers.
public struct AffineResampling: Sendable, Equatable {
    /// 2×2, in (row, col) order.
    public var matrix: [[Double]]
    /// (row, col).
    public var offset: [Double]
}

private typealias Matrix3 = [[Double]]

/// A 3×3 product, each entry summed left to right as NumPy's small matmul does.
private func multiply(_ a: Matrix3, _ b: Matrix3) -> Matrix3 {
    var product: Matrix3 = Array(repeating: [0, 0, 0], count: 3)
    for i in 0..<3 {
        for j in 0..<3 {
            let first: Double = a[i][0] * b[0][j]
            let second: Double = a[i][1] * b[1][j]
            let third: Double = a[i][2] * b[2][j]
            product[i][j] = first + second + third
        }
    }
    return product
}
