//! A drama scene played by its characters alone: an argument, an interrogation, an
//! emergency or a tense wait, chosen from the brief's words, with the sounds the brief
//! names placed between the lines.

use super::{Ctx, LEAD_INS, Mix, TAILS, lowercase_after_comma};
use crate::plan::template::Draft;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Situation {
    Argument,
    Interrogation,
    Emergency,
    Tension,
}

fn situation(brief: &str) -> Situation {
    let has = |keys: &[&str]| keys.iter().any(|k| brief.contains(k));
    if has(&[
        "interrogat",
        "suspect",
        "confess",
        "alibi",
        "police station",
    ]) {
        Situation::Interrogation
    } else if has(&[
        "alarm",
        "emergency",
        "crash",
        "damaged",
        "sinking",
        "oxygen",
        "land the",
        "to land",
        "engine fail",
        "mayday",
        "fire",
    ]) {
        Situation::Emergency
    } else if has(&[
        "argue",
        "argument",
        "row about",
        "quarrel",
        "fight about",
        "confront",
    ]) {
        Situation::Argument
    } else {
        Situation::Tension
    }
}

/// Pairs of lines, the first character's and the second's; the last pair ends the scene.
fn lines(s: Situation) -> &'static [(&'static str, &'static str)] {
    match s {
        Situation::Argument => &[
            (
                "We need to talk about {topic}.",
                "Not now. Please, not now.",
            ),
            (
                "Then when? You keep putting it off.",
                "Because every time we talk, it ends like this.",
            ),
            (
                "I'm not angry. I'm worried. There's a difference.",
                "It doesn't sound like there's a difference.",
            ),
            (
                "Do you have any idea how hard I've tried?",
                "And you think I haven't?",
            ),
            (
                "Just tell me the truth.",
                "Fine. The truth is, I didn't want to let you down.",
            ),
            (
                "You could have told me about {topic} weeks ago.",
                "I know. I was scared of exactly this.",
            ),
            (
                "Look at me. We'll sort this out. Together.",
                "Together. Okay.",
            ),
        ],
        Situation::Interrogation => &[
            (
                "Sit down. Do you know why you're here?",
                "No idea. You tell me.",
            ),
            (
                "Where were you on Tuesday night?",
                "At home. Alone. I already told the other officer.",
            ),
            (
                "Your car was seen two streets away. At midnight.",
                "Lots of cars look like mine.",
            ),
            ("Not with that number plate.", "I want a lawyer."),
            (
                "You can have one. But a lawyer can't help you if you lie to me.",
                "I'm not lying!",
            ),
            (
                "Then why are your hands shaking?",
                "Because it's cold in here. And because you're scaring me.",
            ),
            (
                "Tell me about {topic}.",
                "I don't know anything about {topic}.",
            ),
            (
                "Somebody does. And right now, everything points at you.",
                "All right. All right. I was there. But I didn't do it.",
            ),
        ],
        Situation::Emergency => &[
            (
                "What's that noise? Talk to me!",
                "It's {what}. We're losing it fast.",
            ),
            ("How long have we got?", "Ten minutes. Maybe less."),
            (
                "Then we don't have time to argue about it.",
                "We have time to do it right. If we panic, we're finished.",
            ),
            (
                "Reroute everything we've got. Now.",
                "Rerouting. Come on, come on.",
            ),
            ("It's not holding!", "Give it a second! There!"),
            (
                "I told you this would happen. I told you weeks ago.",
                "And I'm telling you now, that doesn't help us.",
            ),
            (
                "Okay. Okay. Breathe. What do we do?",
                "We do this together. On my count.",
            ),
            ("Three, two, one.", "It's working. It's actually working."),
        ],
        Situation::Tension => &[
            ("Did you hear that?", "Hear what?"),
            (
                "There's someone out there.",
                "It's just the wind. It's always the wind.",
            ),
            ("Then why are you whispering?", "Because I'm not sure."),
            (
                "We should never have come here.",
                "It's too late for that now.",
            ),
            ("Stay behind me.", "Gladly."),
            (
                "Whatever happens, don't open that door.",
                "Why? What's behind it?",
            ),
            ("Listen. It's stopped.", "That's what worries me."),
        ],
    }
}

/// A long scene's further exchanges, once the written pairs are played: what the first
/// says (13) and what the second answers (13), any answer fitting any remark.
fn more(s: Situation) -> (&'static [&'static str], &'static [&'static str]) {
    match s {
        Situation::Argument => (
            &[
                "You never listen to me. Not properly.",
                "This isn't just about {topic}, is it?",
                "I keep going over it in my head.",
                "We used to be able to talk about anything.",
                "You made that decision without me.",
                "I'm tired of being the one who says sorry.",
                "What would our friends say if they could hear us?",
                "I need you to be honest with me.",
                "You think this is easy for me?",
                "I can't do this on my own any more.",
                "Every time I bring up {topic}, you change the subject.",
                "I'm not the enemy here.",
                "Maybe we both got this wrong.",
            ],
            &[
                "That's not fair, and you know it.",
                "I did listen. I just didn't agree.",
                "Don't turn this around on me.",
                "Maybe. But you're not making it easy.",
                "I didn't say that.",
                "Then tell me what you want me to do.",
                "I'm trying. I really am.",
                "You don't know what it's been like.",
                "Can we just stop shouting?",
                "I know. I'm sorry.",
                "That's not what happened.",
                "Fine. Let's have it out, then.",
                "Why does it always come back to this?",
            ],
        ),
        Situation::Interrogation => (
            &[
                "Let's go over it one more time.",
                "Your story has changed since this morning.",
                "Who else knew about {topic}?",
                "We found your fingerprints on the door handle.",
                "Someone saw you leaving in a hurry.",
                "Help me understand the timing here.",
                "You were seen talking to someone outside.",
                "Why did you delete the messages?",
                "Your friend has already given us a statement.",
                "Walk me through the rest of the evening.",
                "You're not doing yourself any favours.",
                "What time did you get home, exactly?",
                "Think very carefully before you answer.",
            ],
            &[
                "I've told you everything I know.",
                "I don't remember. It was dark.",
                "That's not how it happened.",
                "Am I under arrest?",
                "I was nowhere near the place.",
                "You've got the wrong person.",
                "Ask anyone. They'll tell you.",
                "I want to speak to my lawyer.",
                "I panicked, all right?",
                "Why would I lie about that?",
                "I don't have to answer that.",
                "You're twisting my words.",
                "I was only trying to help.",
            ],
        ),
        Situation::Emergency => (
            &[
                "Pressure's dropping again!",
                "We've lost the backup as well!",
                "Can you hear that? It's getting worse.",
                "Check the readings. All of them.",
                "There's smoke coming from the panel!",
                "I can't get a signal out.",
                "Hold it steady. Steady!",
                "How much longer can it take this?",
                "Everything's shaking!",
                "We need a plan, and we need it now.",
                "The manual override is jammed.",
                "Get ready to move on my signal.",
                "It's {what} again. I'm sure of it.",
            ],
            &[
                "I'm on it!",
                "Working on it. Give me ten seconds.",
                "Not good. Not good at all.",
                "Stay calm. We've trained for this.",
                "Doing it now!",
                "I can't hold it much longer!",
                "Understood!",
                "Try it again. Harder!",
                "One more try. That's all we've got.",
                "We're not giving up now.",
                "I see it! I see it!",
                "Hang on. Just hang on.",
                "Okay. Okay. Thinking.",
            ],
        ),
        Situation::Tension => (
            &[
                "The lights are flickering again.",
                "I'm sure that door was closed before.",
                "Something just moved in the corner.",
                "Can you smell that?",
                "The footsteps have stopped.",
                "We're not alone in here.",
                "There's a shadow under the door.",
                "It's getting colder.",
                "I heard my name. Someone said my name.",
                "Maybe we should leave. Right now.",
                "The phone's dead.",
                "That wasn't the wind.",
                "Don't look back. Just keep walking.",
            ],
            &[
                "It's nothing. It has to be nothing.",
                "I saw it too.",
                "Keep your voice down.",
                "Don't move.",
                "I don't like this.",
                "Stay where I can see you.",
                "We should have stayed at home.",
                "Shh. Listen.",
                "You're imagining things.",
                "Then where's it coming from?",
                "Let's get out of here.",
                "Not yet. Wait.",
                "I'm right here. I'm not going anywhere.",
            ],
        ),
    }
}

/// The line that opens the scene, before the first pair: one of these, by the seed.
fn openers(s: Situation) -> &'static [&'static str] {
    match s {
        Situation::Argument => &[
            "Don't walk away from me. Not this time.",
            "Can we at least talk about it?",
            "I can't keep pretending everything is fine.",
        ],
        Situation::Interrogation => &[
            "Right. Let's start again, from the beginning.",
            "The tape is running. State your name.",
            "Coffee? No? Suit yourself.",
        ],
        Situation::Emergency => &[
            "Hold on! Something's wrong!",
            "Did you feel that?",
            "Wake up! Wake up, we've got a problem!",
        ],
        Situation::Tension => &[
            "Keep your voice down.",
            "It's too quiet {place}.",
            "Is anyone there?",
        ],
    }
}

/// What others in the room say, once each.
const INTERJECTIONS: &[&str] = &[
    "What is going on in here?",
    "I came as soon as I heard.",
    "Both of you, stop. This isn't helping.",
];

/// The subject as one of the characters says it: `his exam results` → `your exam results`.
fn topic(ctx: &Ctx) -> String {
    let s = ctx.subject.trim_end_matches(['.', '?', '!']);
    let words: Vec<&str> = s.split(' ').collect();
    let short = words.len() <= 5 && !s.is_empty();
    if !short {
        return "what happened".to_owned();
    }
    words
        .iter()
        .map(|w| match w.to_lowercase().as_str() {
            "his" | "her" | "their" | "my" => "your",
            _ => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The alarm or failure of an emergency: `the oxygen alarm`.
fn what(brief: &str) -> String {
    let words: Vec<&str> = brief
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    if let Some(i) = words.iter().position(|w| *w == "alarm")
        && i > 0
        && !["the", "an", "a"].contains(&words[i - 1])
    {
        return format!("the {} alarm", words[i - 1]);
    }
    for (k, v) in [
        ("engine", "the engine"),
        ("fire", "the fire"),
        ("storm", "the storm"),
        ("water", "the water"),
    ] {
        if words.contains(&k) {
            return v.to_owned();
        }
    }
    "the main system".to_owned()
}

pub(super) fn write(ctx: &Ctx, d: &mut Draft, units: usize) {
    let people = ctx.segments.last().expect("the players");
    let a = &ctx.cast[people[0]];
    let b = &ctx.cast[people[1]];
    let s = situation(&ctx.brief);
    let slots = [("topic", topic(ctx)), ("what", what(&ctx.brief))];
    let music = ctx.music(&mut d.rng, "theme");
    d.begin("music", "open", -30.0, music);
    d.begin("sfx", "ambience", -36.0, ctx.ambience());
    let pairs = lines(s);
    let (last, body) = pairs.split_last().expect("lines");
    // A shorter scene leaves out pairs chosen by the seed, keeping the order of the rest.
    let n = units.max(1).min(body.len());
    let mut keep: Vec<usize> = (0..body.len()).collect();
    while keep.len() > n {
        let i = 1 + d.rng.below(keep.len() - 1);
        keep.remove(i);
    }
    // The narrator sets the scene in the brief's words.
    if ctx.segments.len() == 2 {
        let narrator = &ctx.cast[ctx.segments[0][0]];
        // Then what happens, as the brief tells it, unless the scene says it already.
        let told = ctx.premise_sentence.as_deref();
        let scene: Vec<String> = ctx
            .scene
            .iter()
            .filter(|c| !told.is_some_and(|t| t.contains(c.as_str())))
            .map(|c| crate::plan::template::tidy(c))
            .chain(told.map(crate::plan::template::tidy))
            .collect();
        d.say(&narrator.character, &scene.join(" "));
    }
    let opener = openers(s)[d.rng.below(openers(s).len())];
    d.say(&a.character, &ctx.fill(opener, &slots));
    let mut interjection = 0;
    for (k, (l1, l2)) in keep.iter().map(|&i| &body[i]).enumerate() {
        d.say(&a.character, &ctx.fill(l1, &slots));
        d.say(&b.character, &ctx.fill(l2, &slots));
        if k == 0 {
            d.end("music", "open");
        }
        // Anyone else in the scene speaks up now and then.
        if let Some(&c) = people.get(2 + interjection)
            && k % 2 == 1
            && interjection < INTERJECTIONS.len()
        {
            d.say(&ctx.cast[c].character, INTERJECTIONS[interjection]);
            interjection += 1;
        }
    }
    // A longer scene goes on with exchanges made of parts, a musical beat between its
    // movements.
    let (remarks, replies) = more(s);
    let mut remarks = Mix::new(&mut d.rng, &[LEAD_INS, remarks, &["", "Say something."]]);
    let mut replies = Mix::new(&mut d.rng, &[replies, TAILS]);
    for k in 0..units.saturating_sub(body.len()) {
        if k > 0 && k % 10 == 0 {
            d.end("sfx", "ambience");
            d.clip("music", -30.0, music, 4.0);
            d.begin("sfx", "ambience", -36.0, ctx.ambience());
        }
        let remark = remarks.line(d, |l| lowercase_after_comma(&ctx.fill(l, &slots)));
        d.say(&a.character, &remark);
        let reply = replies.line(d, |l| ctx.fill(l, &slots));
        d.say(&b.character, &reply);
        if let Some(&c) = people.get(2)
            && k % 6 == 5
        {
            // Anyone else in the room has their say too.
            let remark = remarks.line(d, |l| lowercase_after_comma(&ctx.fill(l, &slots)));
            d.say(&ctx.cast[c].character, &remark);
        }
    }
    d.say(&a.character, &ctx.fill(last.0, &slots));
    d.begin("music", "close", -30.0, music);
    d.say(&b.character, &ctx.fill(last.1, &slots));
    d.end("music", "close");
    d.end("sfx", "ambience");
}
