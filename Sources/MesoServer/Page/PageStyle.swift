/// The page's style: one column that fits a phone, and the Okabe–Ito colours, which stay
/// distinct under the common colour-vision deficiencies. Every colour is paired with a word or a
/// symbol, so nothing is told by colour alone.
let pageStyle = #"""
:root { --fake: #D55E00; --real: #0072B2; --none: #6b6b6b; --ink: #1a1a1a; --line: #d0d0d0; --bg: #fafafa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem; font: 16px/1.45 system-ui, sans-serif; color: var(--ink); background: var(--bg); }
h1 { margin: 0 0 .25rem; font-size: 1.6rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
header p { margin: 0 0 1rem; }
.drop { border: 2px dashed #888; border-radius: .75rem; padding: 1.5rem 1rem; text-align: center; background: #fff; }
.drop.over { border-color: var(--real); background: #eef5fb; }
.drop-label { display: flex; flex-direction: column; gap: .25rem; cursor: pointer; }
.drop-title { font-size: 1.2rem; font-weight: 600; }
.drop input { margin-top: .75rem; max-width: 100%; }
#progress { margin: 1rem 0; }
#progress progress { width: 100%; height: 1rem; }
#error { border: 2px solid var(--fake); border-radius: .5rem; padding: .75rem; background: #fff3eb; }
#error::before { content: "Error: "; font-weight: 700; }
.verdict { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; margin: 1rem 0; padding: 1rem; border-radius: .75rem; border: 3px solid; background: #fff; }
.verdict .word { font-size: 2rem; font-weight: 800; letter-spacing: .03em; }
.verdict.fake { border-color: var(--fake); } .verdict.fake .word { color: var(--fake); }
.verdict.real { border-color: var(--real); } .verdict.real .word { color: var(--real); }
.verdict.no_face { border-color: var(--none); } .verdict.no_face .word { color: var(--none); }
.verdict .detail { flex: 1 1 14rem; }
#timeline svg { width: 100%; height: auto; background: #fff; border: 1px solid var(--line); border-radius: .5rem; }
#timeline text { font-size: 13px; fill: var(--ink); }
.track { margin: 0 0 1rem; padding: .75rem; background: #fff; border: 1px solid var(--line); border-radius: .5rem; }
.track h3 { margin: 0 0 .5rem; font-size: 1rem; }
.badge { display: inline-block; padding: 0 .4rem; border-radius: .3rem; color: #fff; font-weight: 700; font-size: .85rem; }
.badge.fake { background: var(--fake); } .badge.real { background: var(--real); }
.crops { display: flex; gap: .5rem; overflow-x: auto; padding-bottom: .25rem; }
.crops figure { margin: 0; flex: 0 0 auto; width: 96px; text-align: center; font-size: .8rem; }
.crops img { width: 96px; height: 96px; display: block; border-radius: .25rem; border: 3px solid; }
.crops .fake img { border-color: var(--fake); } .crops .real img { border-color: var(--real); }
.heatmap-controls { margin-bottom: .75rem; font-size: .9rem; }
.heatmap-controls label { font-weight: 600; margin-right: .5rem; }
.ramp { display: inline-block; width: 5rem; height: .8rem; vertical-align: middle; border: 1px solid #888;
  background: linear-gradient(90deg, #00224e, #35456c, #666970, #948e77, #c8b866, #fee838); }
footer { margin-top: 2rem; font-size: .85rem; color: #555; }
@media (max-width: 30rem) { body { padding: .6rem; } .verdict .word { font-size: 1.6rem; } }
"""#
