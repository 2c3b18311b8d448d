//! Arrangement → Standard MIDI File, for editing the music in a DAW.
//!
//! Format 1: a conductor track with the tempo, the meter and the key, then one track per
//! instrument with the same channel, program and controller setup the renderer uses, so the
//! file played through the same SoundFont sounds like onair's render.

use midly::num::{u4, u7, u15, u24, u28};
use midly::{Format, Header, MetaMessage, MidiMessage, Smf, Timing, TrackEvent, TrackEventKind};

use super::arrange::{Arrangement, RESOLUTION};
use super::render::{Channel, channels};
use super::style::{Key, Mode};
use crate::{Error, Result};

/// Ticks per quarter note: a whole number of ticks per arrangement position.
pub const TICKS_PER_BEAT: u16 = 480;
const TICKS_PER_POSITION: u64 = TICKS_PER_BEAT as u64 / RESOLUTION as u64;

/// An event at an absolute tick; sorted so that at the same tick setup comes first, then
/// note-offs, then note-ons.
struct At<'a> {
    tick: u64,
    order: u8,
    kind: TrackEventKind<'a>,
}

/// The arrangement as the bytes of a `.mid` file. `title` names the conductor track.
pub fn to_smf(arrangement: &Arrangement, title: &str) -> Result<Vec<u8>> {
    let end_tick = seconds_to_ticks(arrangement, arrangement.length_s);
    let channels = channels(arrangement);
    // Track names borrow from here, so they are made before the tracks.
    let names: Vec<String> = channels
        .iter()
        .map(|c| match c.program {
            Some(p) => format!("GM program {}", u32::from(p) + 1),
            None => "GM drums".to_string(),
        })
        .collect();
    let mut tracks = vec![conductor(arrangement, title, end_tick)];
    for (c, name) in channels.iter().zip(&names) {
        tracks.push(instrument_track(arrangement, c, name, end_tick));
    }
    let mut smf = Smf::new(Header::new(
        Format::Parallel,
        Timing::Metrical(u15::new(TICKS_PER_BEAT)),
    ));
    smf.tracks = tracks.into_iter().map(deltas).collect::<Result<Vec<_>>>()?;
    let mut bytes = Vec::new();
    smf.write_std(&mut bytes)
        .map_err(|e| Error::engine("music/midi", format!("cannot encode MIDI: {e}")))?;
    Ok(bytes)
}

fn seconds_to_ticks(arrangement: &Arrangement, seconds: f64) -> u64 {
    (seconds / arrangement.seconds_per_beat() * f64::from(TICKS_PER_BEAT)).round() as u64
}

fn conductor<'a>(arrangement: &Arrangement, title: &'a str, end_tick: u64) -> Vec<At<'a>> {
    let micros_per_beat = (60_000_000.0 / arrangement.tempo_bpm).round() as u32;
    let meta = |m| At {
        tick: 0,
        order: 0,
        kind: TrackEventKind::Meta(m),
    };
    let (fifths, minor) = key_signature(arrangement.key);
    let beats = u8::try_from(arrangement.beats_per_bar).unwrap_or(4);
    vec![
        meta(MetaMessage::TrackName(title.as_bytes())),
        meta(MetaMessage::Tempo(u24::new(micros_per_beat.min(0xFF_FFFF)))),
        // Quarter-note beats; 24 MIDI clocks per metronome click, 8 32nds per quarter.
        meta(MetaMessage::TimeSignature(beats, 2, 24, 8)),
        meta(MetaMessage::KeySignature(fifths, minor)),
        At {
            tick: end_tick,
            order: 3,
            kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
        },
    ]
}

/// Sharps (positive) or flats (negative) of a key, and whether it is minor.
pub fn key_signature(key: Key) -> (i8, bool) {
    let major_tonic = match key.mode {
        Mode::Major => key.tonic_pc,
        Mode::Minor => (key.tonic_pc + 3) % 12,
    };
    // Each fifth up adds a sharp: C=0, G=1, D=2 …; past six sharps, count flats instead.
    let fifths = (i32::from(major_tonic) * 7).rem_euclid(12);
    let fifths = if fifths > 6 { fifths - 12 } else { fifths };
    (fifths as i8, key.mode == Mode::Minor)
}

fn instrument_track<'a>(
    arrangement: &Arrangement,
    c: &Channel,
    name: &'a str,
    end_tick: u64,
) -> Vec<At<'a>> {
    let channel = u4::new(c.channel);
    let midi = |tick, order, message| At {
        tick,
        order,
        kind: TrackEventKind::Midi { channel, message },
    };
    let mut events = vec![At {
        tick: 0,
        order: 0,
        kind: TrackEventKind::Meta(MetaMessage::TrackName(name.as_bytes())),
    }];
    if let Some(program) = c.program {
        events.push(midi(
            0,
            0,
            MidiMessage::ProgramChange {
                program: u7::new(program),
            },
        ));
    }
    for (controller, value) in [(7, c.volume), (10, c.pan), (91, c.reverb), (93, c.chorus)] {
        events.push(midi(
            0,
            0,
            MidiMessage::Controller {
                controller: u7::new(controller),
                value: u7::new(value.min(127)),
            },
        ));
    }
    for n in arrangement
        .notes
        .iter()
        .filter(|n| n.instrument == c.instrument)
    {
        let key = u7::new(n.pitch.min(127));
        let on = n.start() * TICKS_PER_POSITION;
        // A note still sounding at the clip's end is released there, as in the render.
        let off = (n.end() * TICKS_PER_POSITION).min(end_tick).max(on + 1);
        events.push(midi(
            on,
            2,
            MidiMessage::NoteOn {
                key,
                vel: u7::new(n.velocity.clamp(1, 127)),
            },
        ));
        events.push(midi(
            off,
            1,
            MidiMessage::NoteOff {
                key,
                vel: u7::new(0),
            },
        ));
    }
    events.push(At {
        tick: end_tick.max(events.iter().map(|e| e.tick).max().unwrap_or(0)),
        order: 3,
        kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
    });
    events
}

/// Absolute ticks → delta times, in a stable order.
fn deltas(mut events: Vec<At<'_>>) -> Result<Vec<TrackEvent<'_>>> {
    events.sort_by_key(|e| (e.tick, e.order));
    let mut last = 0;
    events
        .into_iter()
        .map(|e| {
            let delta = u32::try_from(e.tick - last)
                .ok()
                .filter(|&d| d <= u28::max_value().as_int())
                .ok_or_else(|| {
                    Error::engine("music/midi", "the piece is too long for a MIDI file")
                })?;
            last = e.tick;
            Ok(TrackEvent {
                delta: u28::new(delta),
                kind: e.kind,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::music::arrange::{self, Part};
    use crate::generate::music::style;

    fn arrangement(text: &str, seconds: f64) -> Arrangement {
        let choice = style::choose(text);
        let plan = arrange::plan(&choice.style, Some(seconds));
        arrange::arrange(&choice.style, &plan, 7, true)
    }

    #[test]
    fn key_signatures() {
        let key = |tonic_pc, mode| key_signature(Key { tonic_pc, mode });
        assert_eq!(key(0, Mode::Major), (0, false));
        assert_eq!(key(7, Mode::Major), (1, false));
        assert_eq!(key(6, Mode::Major), (6, false));
        assert_eq!(key(5, Mode::Major), (-1, false));
        assert_eq!(key(10, Mode::Major), (-2, false));
        assert_eq!(key(9, Mode::Minor), (0, true));
        assert_eq!(key(2, Mode::Minor), (-1, true));
        assert_eq!(key(4, Mode::Minor), (1, true));
    }

    /// Parses the file back and checks what a DAW would show: the tempo, the meter, one
    /// track per instrument with its program, every note at its tick, and the length.
    #[test]
    fn file_reads_back_with_every_note() {
        let a = arrangement("upbeat news theme in D minor", 30.0);
        let bytes = to_smf(&a, "row 3").unwrap();
        let smf = Smf::parse(&bytes).unwrap();
        assert_eq!(smf.header.format, Format::Parallel);
        assert_eq!(
            smf.header.timing,
            Timing::Metrical(u15::new(TICKS_PER_BEAT))
        );
        let channels = channels(&a);
        assert_eq!(smf.tracks.len(), 1 + channels.len());

        let tempo = smf.tracks[0].iter().find_map(|e| match e.kind {
            TrackEventKind::Meta(MetaMessage::Tempo(t)) => Some(t.as_int()),
            _ => None,
        });
        let bpm = 60e6 / f64::from(tempo.unwrap());
        assert!((bpm - a.tempo_bpm).abs() < 0.01, "{bpm} vs {}", a.tempo_bpm);
        assert!(smf.tracks[0].iter().any(|e| matches!(
            e.kind,
            TrackEventKind::Meta(MetaMessage::KeySignature(-1, true))
        )));

        let mut ons = Vec::new();
        for (track, c) in smf.tracks[1..].iter().zip(&channels) {
            let mut tick = 0u64;
            let mut program = None;
            for e in track {
                tick += u64::from(e.delta.as_int());
                if let TrackEventKind::Midi { channel, message } = e.kind {
                    assert_eq!(channel.as_int(), c.channel);
                    match message {
                        MidiMessage::ProgramChange { program: p } => program = Some(p.as_int()),
                        MidiMessage::NoteOn { key, vel } => {
                            ons.push((tick, c.instrument, key.as_int(), vel.as_int()))
                        }
                        _ => {}
                    }
                }
            }
            assert_eq!(program, c.program);
            // Every track ends at the clip's length.
            let end_s = tick as f64 / f64::from(TICKS_PER_BEAT) * a.seconds_per_beat();
            assert!((end_s - 30.0).abs() < 0.01, "ends at {end_s} s");
        }
        ons.sort_unstable();
        let mut want: Vec<_> = a
            .notes
            .iter()
            .map(|n| (n.start() * 40, n.instrument, n.pitch, n.velocity))
            .collect();
        want.sort_unstable();
        assert_eq!(ons, want);
        let drums = a.instrument(Part::Drums).unwrap();
        assert!(
            channels
                .iter()
                .any(|c| c.instrument == drums && c.channel == 9)
        );
    }
}
