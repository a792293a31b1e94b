/// The page's markup: the upload form, the progress, and the empty result sections `app.js` fills.
let pageHTML = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mesoscope: is this face real?</title>
<link rel="stylesheet" href="/style.css">
</head>
<body data-state="idle">
<header>
  <h1>Mesoscope</h1>
  <p>Deepfake detection with MesoNet. Drop a photo or a video: every face is found, aligned and scored.
     <strong>p_fake</strong> is the probability that a face is fake (1 = fake).</p>
</header>
<main>
  <form id="upload" class="drop" aria-label="Upload a photo or video">
    <label for="file" class="drop-label">
      <span class="drop-title">Drop a photo or video here</span>
      <span>or <u>choose a file</u> (JPEG, PNG, MP4, MOV, WebM, MKV, AVI)</span>
    </label>
    <input id="file" name="file" type="file" accept="image/jpeg,image/png,video/*,.mkv,.avi">
  </form>
  <section id="progress" hidden aria-live="polite">
    <p id="progress-text">Uploading…</p>
    <progress id="progress-bar" max="1" value="0"></progress>
  </section>
  <p id="error" role="alert" hidden></p>
  <section id="result" hidden>
    <div id="verdict" class="verdict" aria-live="polite"></div>
    <h2>Score per frame</h2>
    <div id="timeline"></div>
    <h2>Faces</h2>
    <div class="heatmap-controls">
      <label><input type="checkbox" id="heatmaps"> Show heat maps</label>
      <span class="legend">Grad-CAM on the last convolutional block: where the network found evidence of a fake.
        <span class="ramp" aria-hidden="true"></span> dark blue: none · yellow: strongest</span>
    </div>
    <div id="tracks"></div>
  </section>
</main>
<footer>Meso-4 / MesoInception-4 (Afchar et al., WIFS 2018). Scores above the threshold are called fake. Results are kept on the server for a limited time.</footer>
<script src="/app.js"></script>
</body>
</html>
"""#
