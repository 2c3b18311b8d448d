//! Style + length → note events: a chord progression, a bass line, drums and a seeded melody,
//! in three sections: intro (chords only), body, and an ending on the tonic chord that rings
//! out until the clip's last sample.
//!
//! Times are in beats; the tempo is adjusted (within [`MAX_TEMPO_FIT`]) so that the final
//! chord starts exactly where the wanted length minus its ring-out begins.
//!
//! The finished piece is kept as note events in the representation of the Multitrack Music
//! Transformer (Dong et al., 2023): each [`Note`] has a beat, a position within the beat (in
//! [`RESOLUTION`] steps), a pitch, a duration in positions and an instrument (a GM program,
//! or [`DRUM_KIT`]). Velocity is kept as well, for dynamics. Parts are composed in
//! continuous beats (swing and the fitted tempo need that) and quantized once at the end.

use super::style::{BassLine, Comp, Groove, Harmony, Key, Mode, Style};
use crate::dsp::rng::Rng;

/// The roles in an arrangement. Each part is played by one instrument; parts that share an
/// instrument share its track.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    Chords,
    Pad,
    Bass,
    Melody,
    Drums,
}

// Shorthands for the arranger's own code.
const CHORDS: Part = Part::Chords;
const PAD: Part = Part::Pad;
const BASS: Part = Part::Bass;
const MELODY: Part = Part::Melody;
const DRUMS: Part = Part::Drums;

/// Positions per beat, as in the Multitrack Music Transformer: fine enough for sixteenth
/// notes, triplets and a triplet swing.
pub const RESOLUTION: u32 = 12;
/// The instrument code of the General MIDI drum kit; codes 0..=127 are GM programs.
pub const DRUM_KIT: u8 = 128;

/// Shorter than this, a clip is a sting: an optional pickup and the tonic chord.
pub const STING_MAX_S: f64 = 4.0;
/// The most a preset's tempo is bent to land the ending on the clip's end (fraction of the
/// tempo).
pub const MAX_TEMPO_FIT: f64 = 0.04;
/// The most a tempo the description asks for ("at 85 bpm") is bent; the ring-out takes up
/// the rest.
pub const REQUESTED_TEMPO_FIT: f64 = 0.01;
/// Bars of a piece with no wanted length (foreground music), before the final chord.
pub const NATURAL_BARS: u32 = 8;
/// Wanted time from the final chord's onset to the clip's end.
const RING_OUT_S: f64 = 3.0;
const MIN_RING_OUT_S: f64 = 1.5;
/// The final chord is released this long before the clip's end, so its release and the
/// reverb tail fill the last moments instead of a cut.
const RELEASE_S: f64 = 0.3;

/// One note event, as the Multitrack Music Transformer writes it, plus a velocity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Note {
    /// Beat of the onset, from 0.
    pub beat: u32,
    /// Onset within the beat, `0..RESOLUTION`.
    pub position: u32,
    /// MIDI key (for drums, the GM percussion key).
    pub pitch: u8,
    /// Length in positions, at least 1.
    pub duration: u32,
    /// GM program 0..=127, or [`DRUM_KIT`].
    pub instrument: u8,
    pub velocity: u8,
}

impl Note {
    /// Onset in positions from the start.
    pub fn start(&self) -> u64 {
        u64::from(self.beat) * u64::from(RESOLUTION) + u64::from(self.position)
    }

    /// End in positions from the start.
    pub fn end(&self) -> u64 {
        self.start() + u64::from(self.duration)
    }

    pub fn start_beat(&self) -> f64 {
        self.start() as f64 / f64::from(RESOLUTION)
    }

    pub fn end_beat(&self) -> f64 {
        self.end() as f64 / f64::from(RESOLUTION)
    }

    pub fn is_drum(&self) -> bool {
        self.instrument == DRUM_KIT
    }
}

/// An instrument of the piece and the part it plays first (which sets its mix).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Track {
    pub instrument: u8,
    pub part: Part,
}

/// A note while the piece is being composed: continuous beats, by part.
#[derive(Clone, Copy, Debug)]
struct Draft {
    start: f64,
    dur: f64,
    part: Part,
    pitch: u8,
    velocity: u8,
}

/// How many bars, at what tempo, for how long.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plan {
    /// Bars before the final chord; 0 for a sting.
    pub body_bars: u32,
    pub tempo_bpm: f64,
    pub length_s: f64,
    /// A sting starts with two melody notes leading into the chord.
    pub pickup: bool,
}

/// The notes of a piece and what to play them with.
#[derive(Clone, Debug)]
pub struct Arrangement {
    pub tempo_bpm: f64,
    pub beats_per_bar: u32,
    pub length_s: f64,
    pub key: Key,
    /// The beat where the final tonic chord starts.
    pub final_beat: u32,
    /// The instrument of every part the piece has, in part order.
    pub parts: Vec<(Part, u8)>,
    /// Reverb send (MIDI CC 91) of the melodic parts: more for calm pieces.
    pub reverb_send: u8,
    /// Sorted by onset, then instrument and pitch.
    pub notes: Vec<Note>,
}

impl Arrangement {
    pub fn seconds_per_beat(&self) -> f64 {
        60.0 / self.tempo_bpm
    }

    /// The instrument that plays `part`, if the piece has it.
    pub fn instrument(&self, part: Part) -> Option<u8> {
        self.parts.iter().find(|(p, _)| *p == part).map(|&(_, i)| i)
    }

    /// One track per instrument, in part order; parts that share an instrument share the
    /// track of the first.
    pub fn tracks(&self) -> Vec<Track> {
        let mut tracks: Vec<Track> = Vec::new();
        for &(part, instrument) in &self.parts {
            if !tracks.iter().any(|t| t.instrument == instrument) {
                tracks.push(Track { instrument, part });
            }
        }
        tracks
    }
}

/// Chooses bars and tempo so that body + ring-out fill `duration_s` exactly, bending the
/// tempo by up to [`MAX_TEMPO_FIT`].
pub fn plan(style: &Style, duration_s: Option<f64>) -> Plan {
    plan_with(style, duration_s, MAX_TEMPO_FIT)
}

/// [`plan`] with another limit on the tempo bend (a fraction of the tempo).
pub fn plan_with(style: &Style, duration_s: Option<f64>, max_bend: f64) -> Plan {
    let t0 = style.tempo_bpm;
    let beats = f64::from(style.beats_per_bar);
    let Some(d) = duration_s else {
        return Plan {
            body_bars: NATURAL_BARS,
            tempo_bpm: t0,
            length_s: f64::from(NATURAL_BARS) * beats * 60.0 / t0 + RING_OUT_S,
            pickup: false,
        };
    };
    let sting = Plan {
        body_bars: 0,
        tempo_bpm: t0,
        length_s: d,
        pickup: d >= 2.0,
    };
    if d < STING_MAX_S {
        return sting;
    }
    let ring_nominal = (d * 0.4).clamp(MIN_RING_OUT_S, RING_OUT_S);
    let bars_nominal = (d - ring_nominal) * t0 / (60.0 * beats);
    let mut best: Option<(f64, Plan)> = None;
    for bars in [bars_nominal.floor(), bars_nominal.ceil()] {
        if bars < 1.0 {
            continue;
        }
        let needed = bars * beats * 60.0 / (d - ring_nominal);
        let tempo = needed.clamp(t0 * (1.0 - max_bend), t0 * (1.0 + max_bend));
        let ring = d - bars * beats * 60.0 / tempo;
        if ring < MIN_RING_OUT_S - 1e-9 {
            continue;
        }
        let score = (ring - ring_nominal).abs() + 20.0 * (tempo / t0 - 1.0).abs();
        if best.as_ref().is_none_or(|(s, _)| score < *s) {
            let plan = Plan {
                body_bars: bars as u32,
                tempo_bpm: tempo,
                length_s: d,
                pickup: false,
            };
            best = Some((score, plan));
        }
    }
    best.map_or(sting, |(_, p)| p)
}

const MAJOR: [i32; 7] = [0, 2, 4, 5, 7, 9, 11];
const MINOR: [i32; 7] = [0, 2, 3, 5, 7, 8, 10];

/// Semitones above the tonic of a scale degree (0-based, may leave the octave). Over a
/// dominant chord in minor the seventh degree is raised (harmonic minor).
fn degree_semitones(mode: Mode, degree: i32, over_dominant: bool) -> i32 {
    let scale = match mode {
        Mode::Major => MAJOR,
        Mode::Minor => MINOR,
    };
    let index = degree.rem_euclid(7);
    let mut s = scale[index as usize] + 12 * degree.div_euclid(7);
    if over_dominant && mode == Mode::Minor && index == 6 {
        s += 1;
    }
    s
}

/// Per-bar chord roots (scale degrees), four bars at a time.
fn progressions(harmony: Harmony, mode: Mode) -> &'static [[i32; 4]] {
    match (harmony, mode) {
        (Harmony::Pop, Mode::Major) => &[[0, 4, 5, 3], [0, 5, 3, 4], [0, 3, 4, 3], [5, 3, 0, 4]],
        (Harmony::Pop, Mode::Minor) => &[[0, 5, 2, 6], [0, 3, 5, 4], [0, 6, 5, 6], [0, 5, 3, 4]],
        (Harmony::Jazz, Mode::Major) => &[[1, 4, 0, 0], [0, 5, 1, 4], [3, 2, 1, 4], [0, 3, 2, 5]],
        (Harmony::Jazz, Mode::Minor) => &[[0, 3, 1, 4], [0, 5, 1, 4], [0, 3, 6, 2]],
        (Harmony::Dark, _) => &[[0, 5, 0, 4], [0, 0, 5, 4], [0, 3, 0, 5], [0, 5, 3, 4]],
        (Harmony::Ambient, _) => &[[0, 3, 0, 3], [0, 5, 3, 0], [0, 2, 3, 0]],
    }
}

/// Chord tones of a degree, semitones above the tonic, ascending from the root.
fn chord_tones(key: Key, degree: i32, sevenths: bool) -> Vec<i32> {
    let dominant = degree.rem_euclid(7) == 4;
    let steps: &[i32] = if sevenths { &[0, 2, 4, 6] } else { &[0, 2, 4] };
    steps
        .iter()
        .map(|s| degree_semitones(key.mode, degree + s, dominant))
        .collect()
}

/// Picks an inversion and octave of `tones` (semitones above the tonic) whose mean is near
/// `center` and which moves little from `previous`.
fn voice(key: Key, tones: &[i32], center: f64, previous: Option<&[u8]>) -> Vec<u8> {
    let mut best: Option<(f64, Vec<u8>)> = None;
    for inversion in 0..tones.len() {
        let mut stack: Vec<i32> = Vec::with_capacity(tones.len());
        for i in 0..tones.len() {
            let pc =
                (i32::from(key.tonic_pc) + tones[(inversion + i) % tones.len()]).rem_euclid(12);
            let mut k = 36 + pc;
            while stack.last().is_some_and(|&last| k <= last) {
                k += 12;
            }
            stack.push(k);
        }
        for shift in [0, 12, 24, 36] {
            let keys: Vec<i32> = stack.iter().map(|k| k + shift).collect();
            let mean = keys.iter().sum::<i32>() as f64 / keys.len() as f64;
            let mut cost = (mean - center).abs();
            if let Some(prev) = previous.filter(|p| p.len() == keys.len()) {
                let motion: i32 = prev
                    .iter()
                    .zip(&keys)
                    .map(|(&a, &b)| (i32::from(a) - b).abs())
                    .sum();
                cost += 0.3 * f64::from(motion);
            }
            if best.as_ref().is_none_or(|(c, _)| cost < *c) {
                best = Some((cost, keys.iter().map(|&k| k.clamp(0, 127) as u8).collect()));
            }
        }
    }
    best.map(|(_, v)| v).unwrap_or_default()
}

/// The key of a pitch class (semitones above the tonic) in `[low, low + 12)`.
fn in_range(key: Key, semitones: i32, low: i32) -> u8 {
    let pc = (i32::from(key.tonic_pc) + semitones).rem_euclid(12);
    (low + (pc - low).rem_euclid(12)).clamp(0, 127) as u8
}

fn vel(v: f32) -> u8 {
    v.round().clamp(1.0, 127.0) as u8
}

/// Maps straight time to swung time: the off-beat eighth moves later by `swing` beats.
fn swung(beat: f64, swing: f64) -> f64 {
    if swing == 0.0 {
        return beat;
    }
    let whole = beat.floor();
    let p = beat - whole;
    let q = if p <= 0.5 {
        p * (0.5 + swing) / 0.5
    } else {
        0.5 + swing + (p - 0.5) * (0.5 - swing) / 0.5
    };
    whole + q
}

/// A note of a melodic motif: an offset in scale steps above the current chord's root.
#[derive(Clone, Copy, Debug)]
struct MotifNote {
    onset: f64,
    dur: f64,
    offset: i32,
}

const CHORD_OFFSETS: [i32; 5] = [-3, 0, 2, 4, 7];

fn nearest_chord_offset(offset: i32) -> i32 {
    *CHORD_OFFSETS
        .iter()
        .min_by_key(|&&c| (c - offset).abs())
        .unwrap_or(&0)
}

/// A two-bar motif: rhythm cells chosen by density, a stepwise contour, chord tones on
/// the downbeats and a long chord tone at the end. `eighths` (0..1) scales how often the
/// cells with eighth notes come up.
fn motif(rng: &mut Rng, beats_per_bar: u32, density: f64, eighths: f64) -> Vec<MotifNote> {
    let bpb = f64::from(beats_per_bar);
    let total = 2.0 * bpb;
    let mut notes = Vec::new();
    let mut prev = [0, 2, 4][rng.below(3)];
    let mut t = 0.0;
    const STEPS: [i32; 9] = [-2, -1, -1, 1, 1, 2, 0, 3, -3];
    while t < total - 1e-9 {
        let left = total - t;
        if left <= 1.0 + 1e-9 {
            notes.push(MotifNote {
                onset: t,
                dur: left,
                offset: nearest_chord_offset(prev),
            });
            break;
        }
        let to_bar_end = bpb - t % bpb;
        let weights = [
            (0.15 + 0.45 * density) * eighths, // two eighths
            0.35,                              // quarter
            if to_bar_end >= 2.0 {
                0.15 * eighths
            } else {
                0.0
            }, // dotted quarter + eighth
            if to_bar_end >= 2.0 {
                0.05 + 0.2 * (1.0 - density)
            } else {
                0.0
            }, // half
            if t > 0.0 { 0.1 } else { 0.0 },   // quarter rest
        ];
        let mut r = rng.next_f64() * weights.iter().sum::<f64>();
        let mut cell = 0;
        while cell < weights.len() - 1 && r >= weights[cell] {
            r -= weights[cell];
            cell += 1;
        }
        let durations: &[f64] = match cell {
            0 => &[0.5, 0.5],
            1 => &[1.0],
            2 => &[1.5, 0.5],
            3 => &[2.0],
            _ => {
                t += 1.0;
                continue;
            }
        };
        for &dur in durations {
            let step = STEPS[rng.below(STEPS.len())];
            let mut offset = (prev + step).clamp(-3, 8);
            if (t % bpb).abs() < 1e-9 {
                offset = nearest_chord_offset(offset);
            }
            notes.push(MotifNote {
                onset: t,
                dur,
                offset,
            });
            prev = offset;
            t += dur;
        }
    }
    notes
}

/// A variation: a few passing notes moved by a step, and optionally a new ending.
fn vary(motif: &[MotifNote], rng: &mut Rng, beats_per_bar: u32, resolve: bool) -> Vec<MotifNote> {
    let bpb = f64::from(beats_per_bar);
    let mut out: Vec<MotifNote> = motif.to_vec();
    for n in &mut out {
        if (n.onset % bpb).abs() > 1e-9 && rng.chance(0.3) {
            n.offset = (n.offset + if rng.chance(0.5) { 1 } else { -1 }).clamp(-3, 8);
        }
    }
    if resolve && let Some(last) = out.last_mut() {
        last.offset = 0;
    }
    out
}

/// Drum hits (beat in bar, GM key, velocity 0..1) of one bar of a groove.
fn groove_bar(groove: Groove, bpb: u32, rng: &mut Rng) -> Vec<(f64, u8, f32)> {
    const KICK: u8 = 36;
    const SNARE: u8 = 38;
    const CLAP: u8 = 39;
    const CLOSED_HAT: u8 = 42;
    const PEDAL_HAT: u8 = 44;
    const OPEN_HAT: u8 = 46;
    const RIDE: u8 = 51;
    const FLOOR_TOM: u8 = 41;
    const SIDE_STICK: u8 = 37;
    const CRASH_HAND: u8 = 55;
    let bpb_f = f64::from(bpb);
    let mut hits = Vec::new();
    let backbeats = |hits: &mut Vec<(f64, u8, f32)>, key: u8, v: f32| {
        let mut b = 1.0;
        while b < bpb_f {
            hits.push((b, key, v));
            b += 2.0;
        }
    };
    match groove {
        Groove::Rock | Groove::Driving => {
            hits.push((0.0, KICK, 1.0));
            if bpb >= 4 {
                hits.push((2.0, KICK, 0.9));
            }
            if groove == Groove::Driving {
                hits.push((1.5, KICK, 0.7));
            }
            if rng.chance(0.35) {
                hits.push((bpb_f - 1.5, KICK, 0.7));
            }
            backbeats(&mut hits, SNARE, 0.95);
            let (step, soft) = if groove == Groove::Driving {
                (0.25, 0.35)
            } else {
                (0.5, 0.5)
            };
            let mut b = 0.0;
            while b < bpb_f - 1e-9 {
                let on_beat = (b % 1.0).abs() < 1e-9;
                hits.push((b, CLOSED_HAT, if on_beat { 0.7 } else { soft }));
                b += step;
            }
        }
        Groove::Pop => {
            hits.push((0.0, KICK, 1.0));
            if bpb >= 4 {
                hits.push((2.0, KICK, 0.9));
            }
            if rng.chance(0.4) {
                hits.push((bpb_f - 1.5, KICK, 0.6));
            }
            backbeats(&mut hits, CLAP, 0.85);
            for b in 0..bpb {
                hits.push((f64::from(b), CLOSED_HAT, 0.55));
                hits.push((f64::from(b) + 0.5, OPEN_HAT, 0.45));
            }
        }
        Groove::HipHop => {
            hits.push((0.0, KICK, 1.0));
            hits.push((1.75, KICK, 0.6));
            if bpb >= 4 {
                hits.push((2.5, KICK, 0.85));
            }
            backbeats(&mut hits, SNARE, 0.9);
            for e in 0..bpb * 2 {
                let v = if e % 2 == 0 { 0.55 } else { 0.4 };
                hits.push((f64::from(e) * 0.5, CLOSED_HAT, v + 0.1 * rng.next_f32()));
            }
        }
        Groove::Jazz => {
            for b in 0..bpb {
                hits.push((f64::from(b), RIDE, if b % 2 == 1 { 0.7 } else { 0.6 }));
                if b % 2 == 1 {
                    hits.push((f64::from(b) + 0.5, RIDE, 0.5));
                    hits.push((f64::from(b), PEDAL_HAT, 0.5));
                }
                if rng.chance(0.2) {
                    hits.push((f64::from(b) + 0.5, SNARE, 0.25));
                }
            }
            hits.push((0.0, KICK, 0.35));
        }
        Groove::Orchestral => {
            // Timpani-like toms on every beat, heaviest on the downbeat, so the pulse is
            // felt in quarter notes under the strings' eighths.
            const LOW_TOM: u8 = 45;
            hits.push((0.0, FLOOR_TOM, 1.0));
            hits.push((0.0, KICK, 0.6));
            for b in 1..bpb {
                let (key, v) = if b % 2 == 0 {
                    (FLOOR_TOM, 0.75)
                } else {
                    (LOW_TOM, 0.5)
                };
                hits.push((f64::from(b), key, v));
            }
            if rng.chance(0.3) {
                hits.push((bpb_f - 0.5, FLOOR_TOM, 0.5));
            }
        }
        Groove::Heartbeat => {
            // A heartbeat per beat: the "lub" on the beat, a softer "dub" a sixteenth later.
            for b in 0..bpb {
                let b = f64::from(b);
                hits.push((b, KICK, if b == 0.0 { 0.85 } else { 0.7 }));
                hits.push((b + 0.25, KICK, 0.4));
            }
        }
        Groove::FourOnFloor => {
            for b in 0..bpb {
                let b = f64::from(b);
                hits.push((b, KICK, if b == 0.0 { 1.0 } else { 0.9 }));
                hits.push((b + 0.5, OPEN_HAT, 0.5));
                hits.push((b + 0.25, CLOSED_HAT, 0.3));
                hits.push((b + 0.75, CLOSED_HAT, 0.3));
            }
            backbeats(&mut hits, CLAP, 0.85);
        }
        Groove::Funk => {
            for (b, v) in [(0.0, 1.0), (0.75, 0.7), (2.5, 0.85)] {
                if b < bpb_f {
                    hits.push((b, KICK, v));
                }
            }
            backbeats(&mut hits, SNARE, 0.95);
            // Ghost notes on the sixteenths around the backbeats.
            for b in [0.75, 1.75, 2.25, 3.75] {
                if b < bpb_f && rng.chance(0.5) {
                    hits.push((b, SNARE, 0.22));
                }
            }
            let mut b = 0.0;
            while b < bpb_f - 1e-9 {
                let on_eighth = (b * 2.0 % 1.0).abs() < 1e-9;
                hits.push((b, CLOSED_HAT, if on_eighth { 0.6 } else { 0.3 }));
                b += 0.25;
            }
        }
        Groove::OneDrop => {
            // Kick and rim together on the middle of the bar; nothing on the downbeat.
            let drop = f64::from(bpb / 2);
            hits.push((drop, KICK, 0.95));
            hits.push((drop, SIDE_STICK, 0.8));
            for e in 0..bpb * 2 {
                let v = if e % 2 == 0 { 0.5 } else { 0.35 };
                hits.push((f64::from(e) * 0.5, CLOSED_HAT, v));
            }
            if rng.chance(0.3) {
                hits.push((bpb_f - 0.5, OPEN_HAT, 0.4));
            }
        }
        Groove::Bossa => {
            for (b, v) in [(0.0, 0.7), (1.5, 0.5), (2.0, 0.65), (3.5, 0.5)] {
                if b < bpb_f {
                    hits.push((b, KICK, v));
                }
            }
            for b in [0.0, 1.5, 3.0] {
                if b < bpb_f {
                    hits.push((b, SIDE_STICK, 0.55));
                }
            }
            for e in 0..bpb * 2 {
                hits.push((f64::from(e) * 0.5, CLOSED_HAT, 0.3));
            }
        }
        Groove::March => {
            for b in 0..bpb {
                hits.push((f64::from(b), KICK, if b == 0 { 0.95 } else { 0.6 }));
                hits.push((f64::from(b) + 0.5, SNARE, 0.5));
            }
            // A ruff into the last beat.
            hits.push((bpb_f - 1.25, SNARE, 0.45));
            hits.push((bpb_f - 1.0, SNARE, 0.9));
            hits.push((0.0, CRASH_HAND, 0.45));
        }
        Groove::OomPah => {
            hits.push((0.0, KICK, 0.9));
            if bpb >= 4 {
                hits.push((2.0, KICK, 0.75));
            }
            for b in 1..bpb {
                if bpb < 4 || b % 2 == 1 {
                    hits.push((f64::from(b), SNARE, 0.5));
                }
            }
        }
        Groove::Ticking => {
            let mut b = 0.0;
            while b < bpb_f - 1e-9 {
                let on_beat = (b % 1.0).abs() < 1e-9;
                hits.push((b, CLOSED_HAT, if on_beat { 0.45 } else { 0.25 }));
                b += 0.25;
            }
            hits.push((0.0, FLOOR_TOM, 0.7));
            if rng.chance(0.4) {
                hits.push((bpb_f - 0.5, FLOOR_TOM, 0.5));
            }
        }
    }
    hits
}

/// A fill over the bar's last beat (or two): replaces the groove's hits there.
fn fill(groove: Groove, bpb: u32, rng: &mut Rng) -> (f64, Vec<(f64, u8, f32)>) {
    const SNARE: u8 = 38;
    const TOMS: [u8; 6] = [50, 48, 47, 45, 43, 41];
    let end = f64::from(bpb);
    match groove {
        // Grooves that keep going without a fill.
        Groove::Heartbeat | Groove::Bossa | Groove::Ticking => (end, Vec::new()),
        Groove::March => {
            let from = end - 1.0;
            let hits = (0..4)
                .map(|i| (from + f64::from(i) * 0.25, SNARE, 0.5 + 0.15 * i as f32))
                .collect();
            (from, hits)
        }
        Groove::Jazz => {
            let from = end - 1.0;
            let hits = (0..3)
                .map(|i| (from + f64::from(i) / 3.0, SNARE, 0.4 + 0.15 * i as f32))
                .collect();
            (from, hits)
        }
        Groove::Orchestral => {
            let from = end - 2.0;
            let hits = (0..8)
                .map(|i| (from + f64::from(i) * 0.25, 41, 0.45 + 0.07 * i as f32))
                .collect();
            (from, hits)
        }
        _ => {
            let from = end - 1.0;
            let hits = if rng.chance(0.5) {
                let first = rng.below(3);
                (0..4)
                    .map(|i| (from + f64::from(i as u32) * 0.25, TOMS[first + i], 0.8))
                    .collect()
            } else {
                (0..4)
                    .map(|i| (from + f64::from(i) * 0.25, SNARE, 0.55 + 0.12 * i as f32))
                    .collect()
            };
            (from, hits)
        }
    }
}

/// Builds the whole piece. The same inputs give the same notes; the seed varies the
/// progression, the melody and the drum fills.
pub fn arrange(style: &Style, plan: &Plan, seed: u64, background: bool) -> Arrangement {
    let root_rng = Rng::new(seed);
    let key = style.key;
    let bpb = style.beats_per_bar;
    let bpb_f = f64::from(bpb);
    let bars = plan.body_bars;
    let energy = style.energy;
    let base_vel = 50.0 + 50.0 * energy;
    let spb = 60.0 / plan.tempo_bpm;
    let final_beat = if bars == 0 {
        if plan.pickup { 1.0 } else { 0.0 }
    } else {
        f64::from(bars) * bpb_f
    };
    let release_s = RELEASE_S.min(plan.length_s * 0.2);
    let final_end = ((plan.length_s - release_s) / spb).max(final_beat + 0.25);

    // Progression: one chord per bar; the bar before the ending is the cadence chord.
    let table = progressions(style.harmony, key.mode);
    let mut prog_rng = root_rng.fork("progression");
    let progression = table[prog_rng.below(table.len())];
    let cadence = match style.harmony {
        Harmony::Ambient => 3,
        Harmony::Dark if key.mode == Mode::Minor => 5,
        _ => 4,
    };
    let roots: Vec<i32> = (0..bars)
        .map(|b| {
            if b + 1 == bars && bars >= 2 {
                cadence
            } else {
                progression[b as usize % 4]
            }
        })
        .collect();
    let intro_bars = match (bars, background) {
        (8.., false) => 2,
        (4.., _) => 1,
        _ => 0,
    };

    let mut notes: Vec<Draft> = Vec::new();
    let push = |notes: &mut Vec<Draft>, start: f64, dur: f64, part: Part, pitch: u8, v: f32| {
        notes.push(Draft {
            start,
            dur,
            part,
            pitch,
            velocity: vel(v),
        });
    };

    // Chords, pad and bass.
    let mut bass_rng = root_rng.fork("bass");
    let mut comp_rng = root_rng.fork("chords");
    let mut prev_voicing: Option<Vec<u8>> = None;
    for (bar, &degree) in roots.iter().enumerate() {
        let b0 = bar as f64 * bpb_f;
        let tones = chord_tones(key, degree, style.sevenths);
        let voicing = voice(key, &tones, 64.0, prev_voicing.as_deref());
        let intro = (bar as u32) < intro_bars;
        let v = base_vel * if intro { 0.85 } else { 1.0 };
        match style.comp {
            Comp::Block => {
                for &k in &voicing {
                    push(&mut notes, b0, bpb_f, CHORDS, k, v * 0.85);
                }
            }
            Comp::Pulse8 => {
                // One note at a time, low-high-middle-high: an ostinato that drives without
                // stacking up voices (string releases are long); the pad holds the harmony.
                let n = voicing.len();
                let order = [0, n - 1, n / 2, n - 1];
                for e in 0..bpb * 2 {
                    // Accented on the beat, so the pulse reads as quarter notes.
                    let accent = if e % 2 == 0 { 1.0 } else { 0.65 };
                    let k = voicing[order[e as usize % order.len()]];
                    push(
                        &mut notes,
                        b0 + f64::from(e) * 0.5,
                        0.4,
                        CHORDS,
                        k,
                        v * accent,
                    );
                }
            }
            Comp::Power => {
                let root = in_range(key, tones[0], 40);
                for e in 0..bpb * 2 {
                    let accent = if e % 2 == 0 { 1.0 } else { 0.85 };
                    for k in [root, root + 7, root + 12] {
                        push(
                            &mut notes,
                            b0 + f64::from(e) * 0.5,
                            0.4,
                            CHORDS,
                            k,
                            v * accent * 0.8,
                        );
                    }
                }
            }
            Comp::Arpeggio => {
                let mut keys = voicing.clone();
                keys.push(voicing[0] + 12);
                let up_down: Vec<usize> =
                    (0..keys.len()).chain((1..keys.len() - 1).rev()).collect();
                for e in 0..bpb * 2 {
                    let start = f64::from(e) * 0.5;
                    let k = keys[up_down[e as usize % up_down.len()]];
                    let accent = if e == 0 { 1.0 } else { 0.8 };
                    push(
                        &mut notes,
                        b0 + start,
                        (1.5f64).min(bpb_f - start),
                        CHORDS,
                        k,
                        v * accent,
                    );
                }
            }
            Comp::Offbeat => {
                for b in 0..bpb {
                    for &k in &voicing {
                        push(&mut notes, b0 + f64::from(b) + 0.5, 0.3, CHORDS, k, v * 0.8);
                    }
                }
            }
            Comp::OomPah => {
                // "Pah" on the weak beats: two in three-four, beats two and four in four.
                for b in 1..bpb {
                    if bpb == 3 || b % 2 == 1 {
                        for &k in &voicing {
                            push(&mut notes, b0 + f64::from(b), 0.45, CHORDS, k, v * 0.75);
                        }
                    }
                }
            }
            Comp::Strum => {
                // Down on the beats, up on the off-beats after the first, and in four the
                // third beat left out: D, D U, U D U. Each stroke sweeps the strings (low to
                // high down, high to low up) and rings until the next one.
                let mut strings = voicing.clone();
                strings.push(voicing[0] + 12);
                let mut strokes = Vec::new();
                for b in 0..bpb {
                    if !(bpb == 4 && b == 2) {
                        strokes.push((f64::from(b), true));
                    }
                    if b > 0 {
                        strokes.push((f64::from(b) + 0.5, false));
                    }
                }
                for (i, &(start, down)) in strokes.iter().enumerate() {
                    let next = strokes.get(i + 1).map_or(bpb_f, |s| s.0);
                    let accent = match (start == 0.0, down) {
                        (true, _) => 1.0,
                        (false, true) => 0.85,
                        (false, false) => 0.65,
                    };
                    for j in 0..strings.len() {
                        let k = if down {
                            strings[j]
                        } else {
                            strings[strings.len() - 1 - j]
                        };
                        let lag = 0.02 * j as f64;
                        push(
                            &mut notes,
                            b0 + start + lag,
                            next - start - lag,
                            CHORDS,
                            k,
                            v * accent * 0.8,
                        );
                    }
                }
            }
            Comp::Stabs => {
                // Short chords on a sixteenth-note pattern; the off-beat ones come and go.
                for (start, accent) in [
                    (0.0, 1.0),
                    (0.75, 0.8),
                    (1.5, 0.85),
                    (2.0, 0.9),
                    (2.75, 0.8),
                    (3.5, 0.85),
                ] {
                    if start < bpb_f && (start == 0.0 || !comp_rng.chance(0.2)) {
                        for &k in &voicing {
                            push(&mut notes, b0 + start, 0.2, CHORDS, k, v * accent * 0.85);
                        }
                    }
                }
            }
            Comp::Syncopated => {
                for (start, dur, accent) in [(0.0, 1.4, 1.0), (1.5, 0.45, 0.75), (2.5, 1.4, 0.85)] {
                    if start < bpb_f {
                        let push_here = start == 0.0 || !comp_rng.chance(0.15);
                        if push_here {
                            for &k in &voicing {
                                let d = f64::min(dur, bpb_f - start);
                                push(&mut notes, b0 + start, d, CHORDS, k, v * accent * 0.85);
                            }
                        }
                    }
                }
            }
        }
        if style.pad_program.is_some() {
            let pad = voice(key, &tones[..3], 60.0, None);
            for &k in &pad {
                push(&mut notes, b0, bpb_f, PAD, k, v * 0.6);
            }
        }
        if let Some((program, line)) = style.bass
            && (!intro || background)
        {
            let low = if program < 8 { 36 } else { 34 };
            let root = in_range(key, tones[0], low);
            let fifth = if root + 7 <= 52 { root + 7 } else { root - 5 };
            let bv = v * 1.05;
            match line {
                BassLine::Held => push(&mut notes, b0, bpb_f, BASS, root, bv * 0.9),
                BassLine::Pulse8 => {
                    for e in 0..bpb * 2 {
                        let octave = e + 1 == bpb * 2 && bass_rng.chance(0.3);
                        let k = if octave { root + 12 } else { root };
                        push(
                            &mut notes,
                            b0 + f64::from(e) * 0.5,
                            0.45,
                            BASS,
                            k,
                            bv * if e % 2 == 0 { 1.0 } else { 0.85 },
                        );
                    }
                }
                BassLine::RootFifth => {
                    for b in 0..bpb {
                        let k = if b % 2 == 0 { root } else { fifth };
                        push(&mut notes, b0 + f64::from(b), 0.9, BASS, k, bv);
                    }
                }
                BassLine::Walking => {
                    let next_root_degree = roots.get(bar + 1).copied().unwrap_or(0);
                    let next_root = i32::from(in_range(
                        key,
                        degree_semitones(key.mode, next_root_degree, false),
                        low,
                    ));
                    let third = in_range(key, tones[1], i32::from(root));
                    let fifth_up = in_range(key, tones[2], i32::from(root));
                    let approach = if bass_rng.chance(0.5) {
                        next_root - 1
                    } else {
                        next_root + 1
                    };
                    let line: Vec<u8> = match bpb {
                        3 => vec![root, third, approach as u8],
                        _ => {
                            let mut l = vec![root, third, fifth_up, approach as u8];
                            l.resize(bpb as usize, fifth_up);
                            l
                        }
                    };
                    for (b, &k) in line.iter().enumerate() {
                        push(&mut notes, b0 + b as f64, 0.95, BASS, k, bv * 0.9);
                    }
                }
                BassLine::TwoFeel => {
                    if bpb.is_multiple_of(2) {
                        let half = bpb_f / 2.0;
                        push(&mut notes, b0, half * 0.9, BASS, root, bv);
                        push(&mut notes, b0 + half, half * 0.9, BASS, fifth, bv * 0.9);
                    } else {
                        // Odd meters: one note a bar, root and fifth in turn (waltz bass).
                        let k = if bar % 2 == 0 { root } else { fifth };
                        push(&mut notes, b0, 0.9, BASS, k, bv);
                    }
                }
                BassLine::Octaves => {
                    for e in 0..bpb * 2 {
                        let k = if e % 2 == 0 { root } else { root + 12 };
                        let accent = if e % 2 == 0 { 1.0 } else { 0.8 };
                        push(
                            &mut notes,
                            b0 + f64::from(e) * 0.5,
                            0.4,
                            BASS,
                            k,
                            bv * accent,
                        );
                    }
                }
                BassLine::Syncopated => {
                    for (start, dur, k) in [
                        (0.0, 1.25, root),
                        (1.5, 0.5, root),
                        (2.5, 0.75, fifth),
                        (3.5, 0.4, root),
                    ] {
                        if start < bpb_f {
                            push(&mut notes, b0 + start, dur, BASS, k, bv);
                        }
                    }
                }
            }
        }
        prev_voicing = Some(voicing);
    }

    // Drums: groove from the end of the intro, fills at phrase ends, crash at phrase starts.
    if let Some(groove) = style.drums {
        let mut drum_rng = root_rng.fork("drums");
        let dv = 40.0 + 75.0 * energy;
        for bar in intro_bars..bars {
            let b0 = f64::from(bar) * bpb_f;
            let phrase_bar = bar - intro_bars;
            let mut hits = groove_bar(groove, bpb, &mut drum_rng);
            let last_of_phrase = phrase_bar % 4 == 3;
            if bar + 1 == bars || (last_of_phrase && drum_rng.chance(0.6)) {
                let (from, fill_hits) = fill(groove, bpb, &mut drum_rng);
                hits.retain(|h| h.0 < from - 1e-9);
                hits.extend(fill_hits);
            }
            if phrase_bar % 4 == 0 && groove != Groove::Heartbeat {
                hits.push((0.0, 49, 0.8));
            }
            for (beat, k, v) in hits {
                push(&mut notes, b0 + beat, 0.25, DRUMS, k, dv * v);
            }
        }
    }

    // Melody: four-bar phrases of a motif and its variation.
    let melody_part = if style.melody_program.is_some() {
        MELODY
    } else {
        CHORDS
    };
    let melody_tonic = {
        let k = 60 + i32::from(key.tonic_pc);
        if k < 65 { k + 12 } else { k }
    };
    let melody_key = |degree: i32, chord_degree: i32| -> u8 {
        let dominant = chord_degree.rem_euclid(7) == 4;
        (melody_tonic + degree_semitones(key.mode, degree, dominant)).clamp(48, 100) as u8
    };
    if style.melody_program.is_some() && bars > intro_bars {
        let mut melody_rng = root_rng.fork("melody");
        let mut variation_rng = root_rng.fork("melody-variation");
        let density = f64::from(energy);
        // At slow tempi the melody moves in quarter notes and longer, so that the beat is
        // heard as the beat and not as its eighths (a 72 bpm piece full of eighth notes is
        // heard at 144).
        let eighths = ((plan.tempo_bpm - 70.0) / 30.0).clamp(0.1, 1.0);
        let theme = motif(&mut melody_rng, bpb, density, eighths);
        let mv = (70.0 + 35.0 * energy) * if background { 0.8 } else { 1.0 };
        let mut phrase = 0;
        let mut start_bar = intro_bars;
        while start_bar < bars {
            let play = !background || phrase % 2 == 0;
            if play {
                let first = if phrase == 0 {
                    theme.clone()
                } else {
                    vary(&theme, &mut variation_rng, bpb, false)
                };
                let second = vary(&theme, &mut variation_rng, bpb, true);
                for (half, part) in [first, second].iter().enumerate() {
                    let half_b0 = f64::from(start_bar) * bpb_f + half as f64 * 2.0 * bpb_f;
                    for n in part {
                        let start = half_b0 + n.onset;
                        let bar = (start / bpb_f).floor() as usize;
                        let Some(&chord_degree) = roots.get(bar) else {
                            continue;
                        };
                        let dur = (n.dur * 0.95).min(final_beat - start);
                        let downbeat = (n.onset % bpb_f).abs() < 1e-9;
                        let v = mv * if downbeat { 1.08 } else { 0.95 };
                        push(
                            &mut notes,
                            start,
                            dur,
                            melody_part,
                            melody_key(chord_degree + n.offset, chord_degree),
                            v,
                        );
                    }
                }
            }
            phrase += 1;
            start_bar += 4;
        }
    }

    // Swing every note so far; the ending starts on a beat, which swing leaves in place.
    if style.swing_beats > 0.0 {
        for n in &mut notes {
            let start = swung(n.start, style.swing_beats);
            let end = swung(n.start + n.dur, style.swing_beats);
            n.start = start;
            n.dur = (end - start).max(0.05);
        }
    }
    let mut human = root_rng.fork("humanize");
    for n in &mut notes {
        let delta = human.below(7) as i32 - 3;
        n.velocity = (i32::from(n.velocity) + delta).clamp(1, 127) as u8;
    }

    // Pickup into a sting: the fifth below and the leading tone.
    if bars == 0 && plan.pickup {
        for (i, degree) in [-3, -1].into_iter().enumerate() {
            push(
                &mut notes,
                i as f64 * 0.5,
                0.45,
                melody_part,
                melody_key(degree, 4),
                base_vel + 10.0,
            );
        }
    }

    // Ending: the tonic chord in every part, held to the clip's end.
    let hold = final_end - final_beat;
    let tonic = chord_tones(key, 0, false);
    let mut voicing = voice(key, &tonic, 64.0, prev_voicing.as_deref());
    voicing.push(voicing[0] + 12);
    let ev = base_vel * 0.95;
    for &k in &voicing {
        push(&mut notes, final_beat, hold, CHORDS, k, ev);
    }
    if style.pad_program.is_some() {
        for &k in &voice(key, &tonic, 60.0, None) {
            push(&mut notes, final_beat, hold, PAD, k, ev * 0.7);
        }
    }
    if let Some((program, _)) = style.bass {
        let low = if program < 8 { 36 } else { 34 };
        push(
            &mut notes,
            final_beat,
            hold,
            BASS,
            in_range(key, 0, low),
            ev,
        );
    }
    if style.melody_program.is_some() {
        push(&mut notes, final_beat, hold, MELODY, melody_tonic as u8, ev);
    }
    if let Some(groove) = style.drums {
        let dv = 40.0 + 75.0 * energy;
        let hits: &[(u8, f32)] = match groove {
            Groove::Heartbeat => &[(36, 0.8)],
            Groove::Orchestral => &[(41, 1.0), (36, 0.7), (49, 0.8)],
            Groove::Jazz => &[(51, 0.8), (36, 0.5), (49, 0.7)],
            Groove::March => &[(36, 1.0), (38, 0.9), (49, 0.9)],
            Groove::Bossa => &[(36, 0.6), (37, 0.6)],
            Groove::Ticking => &[(41, 0.8), (36, 0.6)],
            _ => &[(36, 1.0), (49, 0.95)],
        };
        for &(k, v) in hits {
            push(&mut notes, final_beat, 0.5, DRUMS, k, dv * v);
        }
    }

    let mut parts = vec![(CHORDS, style.chord_program)];
    if let Some(p) = style.pad_program {
        parts.push((PAD, p));
    }
    if let Some((p, _)) = style.bass {
        parts.push((BASS, p));
    }
    if let Some(p) = style.melody_program {
        parts.push((MELODY, p));
    }
    if style.drums.is_some() {
        parts.push((DRUMS, DRUM_KIT));
    }
    let mut notes = quantize(&notes, &parts);
    tidy(&mut notes);
    Arrangement {
        tempo_bpm: plan.tempo_bpm,
        beats_per_bar: bpb,
        length_s: plan.length_s,
        key,
        final_beat: final_beat as u32,
        parts,
        reverb_send: (40.0 + 50.0 * (1.0 - energy.clamp(0.0, 1.0))).round() as u8,
        notes,
    }
}

/// Drafts → note events: onsets and ends rounded to the nearest position, every note at
/// least one position long, each part's notes given its instrument.
fn quantize(drafts: &[Draft], parts: &[(Part, u8)]) -> Vec<Note> {
    let res = f64::from(RESOLUTION);
    drafts
        .iter()
        .filter_map(|d| {
            let instrument = parts.iter().find(|(p, _)| *p == d.part)?.1;
            let start = (d.start * res).round().max(0.0) as u64;
            let end = ((d.start + d.dur) * res).round().max(0.0) as u64;
            let res = u64::from(RESOLUTION);
            Some(Note {
                beat: u32::try_from(start / res).ok()?,
                position: (start % res) as u32,
                pitch: d.pitch,
                duration: u32::try_from(end.saturating_sub(start).max(1)).ok()?,
                instrument,
                velocity: d.velocity,
            })
        })
        .collect()
}

/// Removes duplicate notes, shortens a note that would still sound when the same key starts
/// again on its instrument (a note-off would otherwise cut the new one), and sorts by onset.
fn tidy(notes: &mut Vec<Note>) {
    notes.sort_by_key(|n| (n.instrument, n.pitch, n.start()));
    notes.dedup_by(|later, earlier| {
        later.instrument == earlier.instrument
            && later.pitch == earlier.pitch
            && later.start() == earlier.start()
    });
    for i in 1..notes.len() {
        let (a, b) = notes.split_at_mut(i);
        let prev = &mut a[i - 1];
        let next = &b[0];
        if prev.instrument == next.instrument
            && prev.pitch == next.pitch
            && prev.end() > next.start()
        {
            prev.duration = (next.start() - prev.start()) as u32;
        }
    }
    notes.sort_by_key(|n| (n.start(), n.instrument, n.pitch));
}
