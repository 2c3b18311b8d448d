//! Whisper's front end: 16 kHz samples → log-mel spectrogram, 80 bins at 10 ms frames,
//! computed as openai/whisper's `log_mel_spectrogram` and faster-whisper's
//! `FeatureExtractor` do (a centred STFT of 400 samples
//! with a periodic Hann window and reflected edges, power spectra through Slaney-style mel
//! filters, log10, floored 8 decades below the loudest value, scaled by (x + 4) / 4).
//!
//! The filters are computed here, as librosa's `filters.mel(sr=16000, n_fft=400, n_mels=80)`
//! computes the table Whisper ships (`mel_filters.npz`): triangles on the Slaney mel scale
//! (linear below 1 kHz, logarithmic above), each scaled to unit area.

use realfft::RealFftPlanner;

pub const SAMPLE_RATE_HZ: u32 = 16_000;
pub const N_FFT: usize = 400;
pub const HOP: usize = 160;
/// Frames in one 30 s window, the encoder's input.
pub const WINDOW_FRAMES: usize = 3000;
pub const WINDOW_SAMPLES: usize = WINDOW_FRAMES * HOP;

const N_BINS: usize = N_FFT / 2 + 1;

/// Hz → mel on the Slaney scale (librosa's default, `htk=False`).
fn hz_to_mel(hz: f64) -> f64 {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    let logstep = 6.4f64.ln() / 27.0;
    if hz >= MIN_LOG_HZ {
        min_log_mel + (hz / MIN_LOG_HZ).ln() / logstep
    } else {
        hz / F_SP
    }
}

fn mel_to_hz(mel: f64) -> f64 {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    let logstep = 6.4f64.ln() / 27.0;
    if mel >= min_log_mel {
        MIN_LOG_HZ * (logstep * (mel - min_log_mel)).exp()
    } else {
        F_SP * mel
    }
}

/// The mel filter bank, `n_mels` rows of [`N_BINS`] weights, row-major.
pub fn mel_filters(n_mels: usize) -> Vec<f32> {
    let sr = SAMPLE_RATE_HZ as f64;
    let fft_hz: Vec<f64> = (0..N_BINS).map(|k| k as f64 * sr / N_FFT as f64).collect();
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(sr / 2.0));
    let points_hz: Vec<f64> = (0..n_mels + 2)
        .map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (n_mels + 1) as f64))
        .collect();
    let mut out = vec![0f32; n_mels * N_BINS];
    for m in 0..n_mels {
        let (left, centre, right) = (points_hz[m], points_hz[m + 1], points_hz[m + 2]);
        let area_norm = 2.0 / (right - left);
        for (k, &f) in fft_hz.iter().enumerate() {
            let rising = (f - left) / (centre - left);
            let falling = (right - f) / (right - centre);
            let w = rising.min(falling).max(0.0);
            out[m * N_BINS + k] = (w * area_norm) as f32;
        }
    }
    out
}

/// Log-mel spectrogram of `samples` (16 kHz mono): `n_mels` rows of `samples.len() / HOP`
/// frames, row-major, normalised over the whole signal as Whisper normalises it.
pub fn log_mel(samples: &[f32], n_mels: usize) -> Vec<f32> {
    let frames = samples.len() / HOP;
    let filters = mel_filters(n_mels);
    let window: Vec<f32> = (0..N_FFT)
        .map(|i| (0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / N_FFT as f64).cos()) as f32)
        .collect();
    let fft = RealFftPlanner::<f32>::new().plan_fft_forward(N_FFT);
    let mut input = fft.make_input_vec();
    let mut spectrum = fft.make_output_vec();
    let mut scratch = fft.make_scratch_vec();
    let mut power = vec![0f32; N_BINS];
    let mut mel = vec![0f32; n_mels * frames];
    let half = (N_FFT / 2) as isize;
    let n = samples.len() as isize;
    // torch.stft(center=True, pad_mode="reflect"): frame t is centred on sample t * HOP.
    let reflect = |i: isize| -> f32 {
        if n == 0 {
            return 0.0;
        }
        let period = 2 * (n - 1).max(1);
        let mut j = i.rem_euclid(period);
        if j >= n {
            j = period - j;
        }
        samples[j as usize]
    };
    for t in 0..frames {
        let start = t as isize * HOP as isize - half;
        for (i, x) in input.iter_mut().enumerate() {
            let idx = start + i as isize;
            let s = if (0..n).contains(&idx) {
                samples[idx as usize]
            } else {
                reflect(idx)
            };
            *x = s * window[i];
        }
        fft.process_with_scratch(&mut input, &mut spectrum, &mut scratch)
            .expect("buffers sized by the planner");
        for (p, c) in power.iter_mut().zip(&spectrum) {
            *p = c.norm_sqr();
        }
        for m in 0..n_mels {
            let row = &filters[m * N_BINS..(m + 1) * N_BINS];
            let e: f32 = row.iter().zip(&power).map(|(w, p)| w * p).sum();
            mel[m * frames + t] = e.max(1e-10).log10();
        }
    }
    let max = mel.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    for v in &mut mel {
        *v = (v.max(max - 8.0) + 4.0) / 4.0;
    }
    mel
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slaney_scale_round_trips_and_is_linear_below_1khz() {
        for hz in [0.0, 100.0, 999.0, 1000.0, 4000.0, 8000.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-6, "{hz}");
        }
        assert!((hz_to_mel(1000.0) - 15.0).abs() < 1e-12);
        assert!((hz_to_mel(500.0) - 7.5).abs() < 1e-12);
    }

    #[test]
    fn filters_match_librosa() {
        // librosa.filters.mel(sr=16000, n_fft=400, n_mels=80), librosa 0.11 (float32).
        let f = mel_filters(80);
        let at = |m: usize, k: usize| f[m * N_BINS + k];
        for (m, k, want) in [
            (0, 1, 0.024_862_595),
            (3, 4, 0.018_890_13),
            (20, 20, 0.013_890_394),
            (40, 44, 0.006_518_19),
            (60, 93, 0.006_591_093),
            (79, 199, 0.000_448_759),
            (79, 200, 0.0),
            (3, 5, 0.0),
        ] {
            assert!(
                (at(m, k) - want).abs() < 1e-7,
                "[{m}, {k}] {} vs {want}",
                at(m, k)
            );
        }
        // Every filter has some weight, and none reaches past Nyquist's bin.
        for m in 0..80 {
            assert!(
                f[m * N_BINS..(m + 1) * N_BINS].iter().any(|&w| w > 0.0),
                "{m}"
            );
        }
    }

    #[test]
    fn silence_gives_a_flat_finite_spectrogram() {
        let mel = log_mel(&vec![0.0; 16_000], 80);
        assert_eq!(mel.len(), 80 * 100);
        assert!(
            mel.iter()
                .all(|v| (*v - mel[0]).abs() < 1e-6 && v.is_finite())
        );
    }
}
