//! Note events → audio with rustysynth: the synthesizer renders straight into the output
//! buffer, in blocks that end at the next event, so memory stays at the output's size.

use std::sync::Arc;

use rustysynth::{SoundFont, Synthesizer, SynthesizerSettings};

use super::arrange::{Arrangement, DRUM_KIT, Part};
use crate::audio::AudioBuffer;
use crate::{Error, Result};

const ENGINE: &str = "music/composer";
/// Longest stretch rendered without looking at the event list.
const BLOCK_FRAMES: usize = 512;
/// Enough voices for chords, pad and ringing arpeggios with two-sample (stereo) presets.
const MAX_POLYPHONY: usize = 64;
/// The synthesizer's master volume (rustysynth's default is 0.5); the mixer sets loudness.
const MASTER_VOLUME: f32 = 0.5;
const END_FADE_S: f64 = 0.05;

/// Rates rustysynth accepts; the arrangement is rendered at `sample_rate_hz` within them.
pub const MIN_RATE_HZ: u32 = 16_000;
pub const MAX_RATE_HZ: u32 = 192_000;

#[derive(Clone, Copy, Debug)]
struct Event {
    frame: usize,
    /// Note-offs sort before note-ons at the same frame.
    on: bool,
    channel: u8,
    key: u8,
    velocity: u8,
}

/// The GM percussion channel (0-based).
pub const DRUM_CHANNEL: u8 = 9;

/// How one instrument of an arrangement is set up on a MIDI channel. The renderer and the
/// MIDI export use the same setup, so a `.mid` file opened in a DAW sounds like the render.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Channel {
    /// 0-based MIDI channel.
    pub channel: u8,
    pub instrument: u8,
    /// GM program; `None` for the drum kit.
    pub program: Option<u8>,
    /// Controller values: volume (CC 7), pan (CC 10), reverb (CC 91), chorus (CC 93).
    pub volume: u8,
    pub pan: u8,
    pub reverb: u8,
    pub chorus: u8,
}

/// One channel per instrument, in track order, skipping the percussion channel; the drum
/// kit on the percussion channel. The part an instrument plays first sets its mix.
pub fn channels(arrangement: &Arrangement) -> Vec<Channel> {
    let reverb = arrangement.reverb_send.min(117);
    let mut melodic = (0u8..16).filter(|&c| c != DRUM_CHANNEL);
    arrangement
        .tracks()
        .into_iter()
        .filter_map(|t| {
            let (volume, pan, reverb, chorus) = match t.part {
                Part::Chords => (100, 50, reverb, 20),
                Part::Pad => (85, 80, reverb + 10, 50),
                Part::Bass => (105, 64, 15, 0),
                Part::Melody => (100, 72, reverb, 10),
                Part::Drums => (100, 64, 30, 0),
            };
            let (channel, program) = if t.instrument == DRUM_KIT {
                (DRUM_CHANNEL, None)
            } else {
                (melodic.next()?, Some(t.instrument))
            };
            Some(Channel {
                channel,
                instrument: t.instrument,
                program,
                volume,
                pan,
                reverb,
                chorus,
            })
        })
        .collect()
}

/// Renders `arrangement` to exactly `frames` stereo frames at `sample_rate_hz`.
pub fn render(
    font: &Arc<SoundFont>,
    arrangement: &Arrangement,
    sample_rate_hz: u32,
    frames: usize,
) -> Result<AudioBuffer> {
    let mut settings = SynthesizerSettings::new(sample_rate_hz as i32);
    settings.maximum_polyphony = MAX_POLYPHONY;
    settings.enable_reverb_and_chorus = true;
    let mut synth = Synthesizer::new(font, &settings)
        .map_err(|e| Error::engine(ENGINE, format!("cannot start the synthesizer: {e}")))?;
    synth.set_master_volume(MASTER_VOLUME);

    let channels = channels(arrangement);
    for c in &channels {
        let ch = i32::from(c.channel);
        if let Some(program) = c.program {
            synth.process_midi_message(ch, 0xC0, i32::from(program), 0);
        }
        for (controller, value) in [
            (0x07, c.volume),
            (0x0A, c.pan),
            (0x5B, c.reverb),
            (0x5D, c.chorus),
        ] {
            synth.process_midi_message(ch, 0xB0, controller, i32::from(value));
        }
    }

    let events = events(arrangement, &channels, sample_rate_hz, frames);
    let mut left = vec![0.0f32; frames];
    let mut right = vec![0.0f32; frames];
    let mut next = 0;
    let mut pos = 0;
    while pos < frames {
        while let Some(e) = events.get(next).filter(|e| e.frame <= pos) {
            let ch = i32::from(e.channel);
            if e.on {
                synth.note_on(ch, i32::from(e.key), i32::from(e.velocity));
            } else {
                synth.note_off(ch, i32::from(e.key));
            }
            next += 1;
        }
        let until = events
            .get(next)
            .map_or(frames, |e| e.frame)
            .min(pos + BLOCK_FRAMES)
            .min(frames);
        synth.render(&mut left[pos..until], &mut right[pos..until]);
        pos = until;
    }

    let mut audio = AudioBuffer::from_stereo(sample_rate_hz, left, right);
    check(&audio)?;
    fade_end_if_needed(&mut audio);
    Ok(audio)
}

/// Note on/off events at sample positions, sorted; those at or past the end are dropped.
fn events(
    arrangement: &Arrangement,
    channels: &[Channel],
    sample_rate_hz: u32,
    frames: usize,
) -> Vec<Event> {
    let frames_per_beat = arrangement.seconds_per_beat() * f64::from(sample_rate_hz);
    let mut events = Vec::with_capacity(arrangement.notes.len() * 2);
    for n in &arrangement.notes {
        let on = (n.start_beat() * frames_per_beat).round() as usize;
        let off = (n.end_beat() * frames_per_beat).round() as usize;
        let Some(c) = channels.iter().find(|c| c.instrument == n.instrument) else {
            continue;
        };
        if on >= frames {
            continue;
        }
        let event = Event {
            frame: on,
            on: true,
            channel: c.channel,
            key: n.pitch,
            velocity: n.velocity,
        };
        events.push(event);
        if off < frames {
            events.push(Event {
                frame: off.max(on + 1),
                on: false,
                ..event
            });
        }
    }
    events.sort_by_key(|e| (e.frame, e.on, e.channel, e.key));
    events
}

fn check(audio: &AudioBuffer) -> Result<()> {
    let samples = || audio.channels.iter().flat_map(|c| c.iter());
    if samples().any(|s| !s.is_finite()) {
        return Err(Error::engine(
            ENGINE,
            "the synthesizer produced NaN or infinity",
        ));
    }
    if audio.frames() > 0 && samples().all(|&s| s == 0.0) {
        return Err(Error::engine(
            ENGINE,
            "the synthesizer produced silence (does the SoundFont have General MIDI presets?)",
        ));
    }
    Ok(())
}

/// A 50 ms fade at the very end, only when the last samples are not already near zero,
/// so that a clip never ends on a hard edge. The mixer's own fades come on top.
fn fade_end_if_needed(audio: &mut AudioBuffer) {
    let frames = audio.frames();
    let fade = ((END_FADE_S * f64::from(audio.sample_rate_hz)) as usize).min(frames);
    let peak = audio.peak();
    let tail_peak = audio
        .channels
        .iter()
        .flat_map(|c| c[frames - fade..].iter())
        .fold(0.0f32, |m, s| m.max(s.abs()));
    if fade == 0 || tail_peak <= peak * 1e-3 {
        return;
    }
    for ch in &mut audio.channels {
        for (i, s) in ch[frames - fade..].iter_mut().enumerate() {
            let x = 1.0 - i as f32 / fade as f32;
            *s *= 0.5 - 0.5 * (std::f32::consts::PI * x).cos();
        }
    }
}
