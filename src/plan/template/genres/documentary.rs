//! A documentary: a narrator tells it, and the people who know the subject answer the
//! questions the narration raises. True crime is a documentary with darker music.

use super::{Ctx, Mix, capitalise, facet, facet_order, pick};
use crate::plan::template::Draft;

/// Narration between the answers, each used once.
const BEATS: &[&str] = &[
    "To understand {thing}, you have to go back to the beginning.",
    "Not everyone saw it that way at the time.",
    "The records tell one story. The people who were there tell another.",
    "It was a turning point, though few realised it then.",
    "For years, the questions went unanswered.",
    "Piece by piece, a clearer picture began to form.",
    "Some of what happened next is still argued over today.",
    "Behind every date and every document, there were people.",
    "It is easy, looking back, to forget how uncertain it all seemed.",
    "And then, quite suddenly, everything changed.",
    "The details matter here, and they are worth hearing first hand.",
    "What happened next surprised almost everyone.",
];

/// A long documentary, once its questions are asked, comes back to the subject from other
/// sides: the narrator opens one (11) and asks of it (7), someone who knows answers, their
/// start (7) and their view (13).
const SIDES: &[&str] = &[
    "Consider the people who lived alongside {thing}.",
    "Then there is the question of money.",
    "The weather played its part, too.",
    "The newspapers of the time told their own version.",
    "Away from the headlines, ordinary life went on.",
    "Families, too, were caught up in it.",
    "There were warnings, early on.",
    "Some of the most important evidence came from unlikely places.",
    "The decisions were made in rooms few people ever saw.",
    "For those who were young at the time, the memories are vivid.",
    "Much was written about {thing} afterwards.",
];
const ASKS: &[&str] = &[
    "What do we really know?",
    "How much of it mattered?",
    "What did it feel like at the time?",
    "Who was listening?",
    "And what difference did it make?",
    "It is worth pausing on.",
    "The answers are not simple.",
];
const VIEW_STARTS: &[&str] = &[
    "I think",
    "Honestly,",
    "From what we know,",
    "When you look closely,",
    "In my experience,",
    "It's fair to say",
    "What strikes me is that",
];
const VIEWS: &[&str] = &[
    "the records only tell half of it.",
    "people at the time understood more than we give them credit for.",
    "the small details are where the real story is.",
    "it mattered far more than anyone expected.",
    "we are still learning what it meant.",
    "the people involved had very little choice.",
    "luck and stubbornness played equal parts.",
    "the memories of those who were there are remarkably consistent.",
    "it changed the way people saw themselves.",
    "the official account leaves out the hardest parts.",
    "nobody could have predicted how it ended.",
    "you can still see the traces today, if you know where to look.",
    "it's a more human story than it first appears.",
];
/// The chapters of a long documentary's further parts.
const PARTS: &[&str] = &[
    "Another view",
    "The people",
    "Looking back",
    "What it left behind",
    "Still asking",
    "The long shadow",
    "Last thoughts",
];

/// A fact of the brief as the narrator says it; an instruction to cover something ("cover
/// yellow fever") becomes what the piece looks at.
fn as_narration(fact: &str) -> String {
    let lower = fact.to_lowercase();
    for verb in [
        "cover ",
        "include ",
        "mention ",
        "explain ",
        "describe ",
        "talk about ",
    ] {
        if lower.starts_with(verb)
            && let Some(what) = fact.get(verb.len()..).filter(|w| !w.trim().is_empty())
        {
            return format!("Along the way, we look at {what}.");
        }
    }
    // "and the Americans finishing it in 1914": a list's last item stands alone.
    let fact = ["and ", "And "]
        .iter()
        .find_map(|a| fact.strip_prefix(a))
        .unwrap_or(fact);
    capitalise(fact)
}

pub(super) fn write(ctx: &Ctx, d: &mut Draft, units: usize) {
    let narrator = ctx.cast[0].character.clone();
    let voices: Vec<usize> = ctx.segments[1][1..].to_vec();
    let theme = ctx.music(&mut d.rng, "theme");
    d.begin("music", "theme", -28.0, theme);
    d.chapter_at(d.rows.len() - 1, "Introduction");
    let open = pick(
        ctx,
        &mut d.rng,
        &[
            "This is the story of {about}.",
            "{about_cap}. It is a story worth telling properly, from the start.",
        ],
    );
    d.say(&narrator, &ctx.fill(open, &[]));
    // The brief's facts: the first two open the piece, the rest come between the answers.
    let facts: Vec<String> = ctx.details.iter().map(|f| as_narration(f)).collect();
    for fact in facts.iter().take(2) {
        d.say(&narrator, fact);
    }
    let later = facts.get(2..).unwrap_or(&[]);
    let intro: Vec<String> = voices.iter().map(|&i| ctx.cast[i].introduced()).collect();
    d.say(
        &narrator,
        &ctx.fill(
            &format!("To tell it, we hear from {}.", super::join_and(&intro)),
            &[],
        ),
    );
    d.end("music", "theme");
    let bed = ctx.music(&mut d.rng, "bed");
    d.begin("music", "bed", -36.0, bed);
    d.chapter_at(d.rows.len() - 1, &capitalise(&ctx.thing));
    let order = facet_order(ctx, &mut d.rng, units.max(1));
    let mut beats: Vec<usize> = (0..BEATS.len()).collect();
    d.rng.shuffle(&mut beats);
    for (k, &(f, round)) in order.iter().enumerate() {
        let part = (k > 0 && k == order.len() / 2 && order.len() >= 8).then_some(d.rows.len());
        let who = &ctx.cast[voices[k % voices.len()]];
        if let Some(fact) = later.get(k) {
            d.say(&narrator, fact);
        } else if let Some(&b) = beats.get(k) {
            d.say(&narrator, &ctx.fill(BEATS[b], &[]));
        }
        let facet = facet(ctx, f);
        let qi = (ctx.seed as usize + f + round) % facet.questions.len();
        let ai = (ctx.seed as usize + f + round) % facet.answers.len();
        let q = ctx.fill(facet.questions[qi], &[("addr", String::new())]);
        d.say(&narrator, &q);
        if let Some(at) = part {
            d.chapter_at(at, "What came next");
        }
        d.say(
            &who.character,
            &ctx.fill(facet.answers[ai], &[("as", String::new())]),
        );
    }
    // Further parts, each a chapter with a musical break before it.
    let mut sides = Mix::new(&mut d.rng, &[SIDES, ASKS]);
    let mut views = Mix::new(&mut d.rng, &[VIEW_STARTS, VIEWS]);
    let extra = units.saturating_sub(order.len());
    for k in 0..extra {
        if k % 8 == 0 {
            d.end("music", "bed");
            d.clip("music", -28.0, theme, 4.0);
            let at = d.rows.len();
            d.begin("music", "bed", -36.0, bed);
            d.chapter_at(at, PARTS[(k / 8) % PARTS.len()]);
        }
        let who = &ctx.cast[voices[(order.len() + k) % voices.len()]];
        let side = sides.line(d, |l| ctx.fill(l, &[]));
        d.say(&narrator, &side);
        let view = views.line(d, |l| ctx.fill(l, &[]));
        d.say(&who.character, &view);
    }
    d.end("music", "bed");
    let at = d.rows.len();
    d.begin("music", "close", -30.0, theme);
    let close = pick(
        ctx,
        &mut d.rng,
        &[
            "{about_cap}: a story that is still being written.",
            "And so the story of {thing} goes on, and so do the questions.",
        ],
    );
    d.say(&narrator, &ctx.fill(close, &[]));
    d.chapter_at(at, "Ending");
    d.end("music", "close");
}
