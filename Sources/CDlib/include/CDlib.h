#pragma once
// C interface to dlib's HOG face detector and 68-point shape predictor (placeholder).
