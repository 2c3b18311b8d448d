/// Planar audio: one `Vec<f32>` per channel, all the same length, samples nominally in -1..1.
#[derive(Clone, Debug, PartialEq)]
pub struct AudioBuffer {
    pub sample_rate_hz: u32,
    pub channels: Vec<Vec<f32>>,
}

impl AudioBuffer {
    /// Silence: `channel_count` channels of `frames` zero samples.
    pub fn silence(sample_rate_hz: u32, channel_count: usize, frames: usize) -> Self {
        AudioBuffer {
            sample_rate_hz,
            channels: vec![vec![0.0; frames]; channel_count],
        }
    }

    /// A one-channel buffer.
    pub fn from_mono(sample_rate_hz: u32, samples: Vec<f32>) -> Self {
        AudioBuffer {
            sample_rate_hz,
            channels: vec![samples],
        }
    }

    /// A two-channel buffer.
    pub fn from_stereo(sample_rate_hz: u32, left: Vec<f32>, right: Vec<f32>) -> Self {
        debug_assert_eq!(left.len(), right.len());
        AudioBuffer {
            sample_rate_hz,
            channels: vec![left, right],
        }
    }

    /// Number of samples per channel.
    pub fn frames(&self) -> usize {
        self.channels.first().map_or(0, Vec::len)
    }

    pub fn channel_count(&self) -> usize {
        self.channels.len()
    }

    pub fn duration_s(&self) -> f64 {
        self.frames() as f64 / f64::from(self.sample_rate_hz)
    }

    /// Two channels: mono is duplicated, more than two are folded (odd to left, even to right).
    pub fn into_stereo(self) -> AudioBuffer {
        match self.channels.len() {
            2 => self,
            0 => AudioBuffer::silence(self.sample_rate_hz, 2, 0),
            1 => {
                let mono = self.channels.into_iter().next().unwrap_or_default();
                AudioBuffer::from_stereo(self.sample_rate_hz, mono.clone(), mono)
            }
            n => {
                let frames = self.frames();
                let mut out = AudioBuffer::silence(self.sample_rate_hz, 2, frames);
                let scale = 2.0 / n as f32;
                for (i, ch) in self.channels.iter().enumerate() {
                    for (o, s) in out.channels[i % 2].iter_mut().zip(ch) {
                        *o += s * scale;
                    }
                }
                out
            }
        }
    }

    /// Largest absolute sample value over all channels.
    pub fn peak(&self) -> f32 {
        self.channels
            .iter()
            .flat_map(|c| c.iter())
            .fold(0.0f32, |m, s| m.max(s.abs()))
    }

    /// Sets every channel to exactly `frames` samples, padding with silence or truncating.
    pub fn set_frames(&mut self, frames: usize) {
        for ch in &mut self.channels {
            ch.resize(frames, 0.0);
        }
    }
}
