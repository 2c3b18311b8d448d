//! A debate: the moderator puts the motion, the first side argues for it and the second
//! against, round by round, then closing statements.

use super::{Ctx, Mix, pick};
use crate::plan::template::Draft;
use crate::plan::template::brief::Person;

/// The moderator's questions, one per round.
const QUESTIONS: &[&str] = &[
    "{for_name}, let's start with the practical side. How would it actually work?",
    "{against_name}, who pays the price if this goes ahead?",
    "Let's talk about evidence. {for_name}, where has this been tried before?",
    "{against_name}, is there any version of this you could support?",
    "What about the people listening who are simply worried? {for_name}?",
    "{against_name}, what happens if we do nothing at all?",
    "Is this really about the question in front of us, or about something bigger? {for_name}?",
    "Let me put a listener's question to you both. {against_name} first: what would change your mind?",
    "{for_name}, what do you say to people who feel this is being imposed on them?",
    "{against_name}, you've been accused of defending the status quo. Is that fair?",
    "How long before we would know whether it had worked? {for_name}?",
    "{against_name}, if you had the money and the power tomorrow, what would you do instead?",
    "Who has been left out of this debate so far? {for_name}?",
    "{against_name}, what is the strongest point your opponent has made tonight?",
];

/// The case for, a line per round.
const FOR: &[&str] = &[
    "Start small, measure everything, and expand what works. That is how every good change happens.",
    "Other places have done it, and the sky did not fall. People adapted within a year.",
    "The cost of standing still is higher than the cost of change. We pay it every day already.",
    "Ask the people it would help most. They have been asking for this for years.",
    "We can phase it in, with exemptions for the people who genuinely need them.",
    "Every argument against this was made against every improvement we now take for granted.",
    "The evidence is clear, and the public mood is moving our way.",
    "If not now, when? Waiting has never made a hard decision easier.",
    "Nobody is being forced. We are offering people a better choice, and most will take it.",
    "Within a year, we would have the numbers. And I am confident about what they would show.",
    "The people who are never asked: the young, the old, the ones without a car or a voice.",
    "Honestly? That the worries are real. Which is exactly why the details have to be done well.",
    "We've studied this for years. The time for studying is over.",
    "Every great city we admire made a choice like this once, and nobody would go back.",
];

/// The case against, a line per round.
const AGAINST: &[&str] = &[
    "Good intentions are not a plan. The details matter, and the details here are missing.",
    "It is always the same people who pay: small businesses and those with the least choice.",
    "What works somewhere else does not automatically work here. Our situation is different.",
    "I am not against change. I am against rushing into it without asking the people affected.",
    "The money would do far more good spent elsewhere, and quickly.",
    "There are simpler ways to get most of the benefit without the disruption.",
    "Once this is done, it is very hard to undo. We should be sure first.",
    "Listen to the people who will live with the consequences. Many of them are worried.",
    "It isn't fair, no. I want things to change. I just want them to change for the better.",
    "Fix what we already have. Half of the problems come from things we promised and never did.",
    "The risk is that we lose what works while chasing what might.",
    "People have been told this would be simple. It won't be, and they deserve to hear that.",
    "That the goal is right. Where we differ is how fast, and who pays.",
    "Ask who was consulted. The answer, too often, is almost nobody.",
];

/// Short replies from the other side, before the moderator moves on.
const REBUTTALS: &[&str] = &[
    "With respect, that is exactly the kind of promise we have heard before.",
    "That simply isn't what the evidence shows.",
    "I hear that, but it ignores the people I talk to every day.",
    "That is a fair point, but it does not change the basic problem.",
    "We can agree on the goal. It is the route we disagree about.",
    "Nobody is saying that. That is not the argument.",
];

/// A long debate's further rounds: the moderator turns to one side (`{name}`) with one of
/// these (13).
const MORE_QUESTIONS: &[&str] = &[
    "{name}, what would you say to someone who is still undecided?",
    "{name}, what is the weakest part of your own case?",
    "{name}, who would notice the difference first?",
    "{name}, how would you explain your position to a ten-year-old?",
    "{name}, what have you heard tonight that surprised you?",
    "{name}, if you lose this argument, what happens next?",
    "{name}, where exactly does the money come from?",
    "{name}, what do the people most affected actually want?",
    "{name}, is there a compromise to be had here?",
    "{name}, what is the one fact you want listeners to remember?",
    "{name}, how sure are you, honestly?",
    "{name}, what would it take for you to change sides?",
    "{name}, what is missing from this conversation?",
];
/// How the moderator comes to a further round (5).
const MORE_LEADS: &[&str] = &[
    "Let me push you on that.",
    "Let's move on.",
    "A different angle now.",
    "I want to bring in something else.",
    "Let's stay with that for a moment.",
];
/// Questions from the audience, and who asks them (7 and 11).
const ASKERS: &[&str] = &[
    "from a retired teacher in the front row:",
    "from a nurse at the back:",
    "from a student who has been waiting patiently:",
    "from a shop owner on the aisle:",
    "from a parent of three:",
    "from a young man by the door:",
    "from a grandmother near the front:",
];
const AUDIENCE: &[&str] = &[
    "Why should anyone trust the promises being made tonight?",
    "What does this mean for families on a tight budget?",
    "Has anyone actually asked young people what they think?",
    "What happens to the people who get it wrong?",
    "Who will be checking that it works?",
    "Why has this taken so long to come up?",
    "What would you do differently if you started again?",
    "Is this the most important question we face, or a distraction?",
    "Who benefits most, if we are honest?",
    "How will we know, in five years, who was right?",
    "What can ordinary people do about it tomorrow?",
];
/// A side's answer in a further round: a start (7), a claim (11) and what backs it (13).
const OPENINGS: &[&str] = &[
    "Look,",
    "Honestly,",
    "Let me be clear:",
    "It's simple, really.",
    "I'll answer that directly.",
    "That's a fair question.",
    "Here's what I'd say.",
];
const FOR_CLAIMS: &[&str] = &[
    "the benefits are real, and they arrive sooner than people think.",
    "doing nothing is a choice too, and it is the most expensive one.",
    "the people who gain most are the ones with the least today.",
    "every serious study points the same way.",
    "the worries are understandable, but they can all be answered.",
    "we have tried the alternative for years, and it has failed.",
    "change is hard, but it is not as hard as standing still.",
    "the details can be fixed along the way, and they will be.",
    "most people, once they try it, never want to go back.",
    "this is about fairness, first and last.",
    "the cost is small next to what we gain.",
];
const AGAINST_CLAIMS: &[&str] = &[
    "good ideas can still be done badly, and this one would be.",
    "the people paying for this are not the people deciding it.",
    "nobody has shown me the evidence that it will work here.",
    "there are cheaper, simpler ways to get most of the benefit.",
    "the promises are big and the plan is thin.",
    "it will be harder to undo than anyone admits.",
    "we should fix what we already have before building something new.",
    "the people most affected have barely been asked.",
    "the risks have been played down from the very start.",
    "caution is not the same as standing still.",
    "what sounds simple in a studio is anything but in real life.",
];
const BACKING: &[&str] = &[
    "I've seen it for myself, more than once.",
    "The figures bear that out.",
    "Ask anyone who works on the front line.",
    "That is what the people I meet tell me.",
    "History is full of examples.",
    "I'd say that to anyone's face.",
    "And I don't say that lightly.",
    "We owe it to the next generation to be honest.",
    "That isn't ideology. It's common sense.",
    "Nobody in this room really disputes that.",
    "I've changed my mind on plenty of things, but not on this.",
    "It's there in black and white.",
    "Listeners can judge that for themselves.",
];
/// The other side's short reply in a further round: a start (5) and a point (11).
const REPLY_STARTS: &[&str] = &[
    "With respect,",
    "Come on,",
    "I'm sorry, but",
    "Hang on,",
    "Let's be honest,",
];
const REPLY_POINTS: &[&str] = &[
    "that's a slogan, not an answer.",
    "that is not what the evidence says.",
    "you're ignoring the people who would pay for it.",
    "we have heard that before, and it didn't happen.",
    "that sounds fine until you look at the detail.",
    "nobody at this table said that.",
    "that is exactly the problem.",
    "the facts have moved on since then.",
    "I think listeners can see through that.",
    "that's not the question you were asked.",
    "you know it's more complicated than that.",
];

fn name(p: &Person) -> String {
    p.address().unwrap_or_else(|| p.the())
}

/// The motion as the moderator puts it: a question stays a question.
fn motion(ctx: &Ctx) -> String {
    let s = ctx.subject.trim_end_matches(['?', '.', '!']);
    let first = s.split(' ').next().unwrap_or("").to_lowercase();
    let asks = [
        "should", "is", "are", "can", "could", "will", "would", "do", "does", "has", "have",
    ]
    .contains(&first.as_str());
    if asks {
        format!("Tonight's question: {s}?")
    } else {
        format!("Tonight's debate: {s}.")
    }
}

pub(super) fn write(ctx: &Ctx, d: &mut Draft, units: usize) {
    let chair = &ctx.cast[0];
    let pro = &ctx.cast[ctx.segments[1][1]];
    let con = &ctx.cast[*ctx.segments[1].get(2).unwrap_or(&ctx.segments[1][1])];
    let slots = [("for_name", name(pro)), ("against_name", name(con))];
    let theme = ctx.music(&mut d.rng, "theme");
    d.begin("music", "theme", -28.0, theme);
    d.chapter_at(d.rows.len() - 1, "The question");
    let hello = pick(
        ctx,
        &mut d.rng,
        &[
            "Good evening, and welcome to {show}.",
            "Hello, and welcome to {show}, where two people who disagree get to say why.",
        ],
    );
    d.say(
        &chair.character,
        &ctx.fill(&format!("{hello} {}", motion(ctx)), &[]),
    );
    d.say(
        &chair.character,
        &format!(
            "Arguing for, {}. And arguing against, {}. Welcome to you both.",
            pro.introduced(),
            con.introduced()
        ),
    );
    d.end("music", "theme");
    d.begin("sfx", "ambience", -40.0, ctx.ambience());
    d.chapter_at(d.rows.len() - 1, "Opening statements");
    d.say(
        &chair.character,
        &ctx.fill("{for_name}, your opening statement.", &slots),
    );
    d.say(
        &pro.character,
        &ctx.fill(
            "Thank you. My answer is yes. This is not a distant idea: it is overdue, and the people who would gain most are the ones we hear from least.",
            &[],
        ),
    );
    d.say(
        &chair.character,
        &ctx.fill("{against_name}, the case against.", &slots),
    );
    d.say(
        &con.character,
        &ctx.fill(
            "My answer is no, or at least not like this. Nobody disputes the problem, but this plan would hurt the very people it claims to help.",
            &[],
        ),
    );
    let mut fors: Vec<usize> = (0..FOR.len()).collect();
    let mut againsts: Vec<usize> = (0..AGAINST.len()).collect();
    d.rng.shuffle(&mut fors);
    d.rng.shuffle(&mut againsts);
    let rounds = units.min(QUESTIONS.len());
    let rebut_offset = d.rng.below(REBUTTALS.len());
    for r in 0..rounds {
        let q = QUESTIONS[r];
        d.say(&chair.character, &ctx.fill(q, &slots));
        // The question names who answers first; the other side replies.
        let pro_first = q.find("{for_name}").unwrap_or(usize::MAX)
            < q.find("{against_name}").unwrap_or(usize::MAX);
        let (first, second, line) = if pro_first {
            (pro, con, FOR[fors[r % FOR.len()]])
        } else {
            (con, pro, AGAINST[againsts[r % AGAINST.len()]])
        };
        d.say(&first.character, &ctx.fill(line, &[]));
        if r < REBUTTALS.len() {
            d.say(
                &second.character,
                REBUTTALS[(r + rebut_offset) % REBUTTALS.len()],
            );
        }
    }
    // A long debate goes on with further rounds, and then the audience's questions.
    let more = units.saturating_sub(rounds);
    let mut questions = Mix::new(&mut d.rng, &[MORE_LEADS, MORE_QUESTIONS]);
    let mut audience = Mix::new(&mut d.rng, &[ASKERS, AUDIENCE]);
    let mut fors = Mix::new(&mut d.rng, &[OPENINGS, FOR_CLAIMS, BACKING]);
    let mut againsts = Mix::new(&mut d.rng, &[OPENINGS, AGAINST_CLAIMS, BACKING]);
    let mut replies = Mix::new(&mut d.rng, &[REPLY_STARTS, REPLY_POINTS]);
    let audience_from = more / 2 + more % 2;
    for r in 0..more {
        let pro_first = r % 2 == 0;
        let (first, second) = if pro_first { (pro, con) } else { (con, pro) };
        if r >= audience_from && more >= 4 {
            if r == audience_from {
                d.end("sfx", "ambience");
                d.clip("music", -30.0, &format!("{theme}, short bridge"), 3.0);
                d.begin("sfx", "ambience", -40.0, ctx.ambience());
                let at = d.rows.len() - 1;
                d.say(
                    &chair.character,
                    "Now, our audience have been waiting patiently, so let's take their questions.",
                );
                d.chapter_at(at, "Questions from the audience");
            }
            let q = audience.line(d, |l| format!("A question {l}"));
            let q = format!("{q} {}?", name(first));
            d.say(&chair.character, &q);
        } else {
            let q = questions.line(d, |l| {
                let (lead, ask) = l.split_at(l.find('{').unwrap_or(0));
                format!(
                    "{lead}{}",
                    capitalise_first(&ask.replace("{name}", &name(first)))
                )
            });
            d.say(&chair.character, &q);
        }
        let answers = if pro_first { &mut fors } else { &mut againsts };
        let answer = answers.line(d, sentence_case);
        d.say(&first.character, &answer);
        if r % 3 != 2 {
            let reply = replies.line(d, str::to_owned);
            d.say(&second.character, &reply);
        }
    }
    d.end("sfx", "ambience");
    let at = d.rows.len();
    d.say(
        &chair.character,
        &ctx.fill(
            "We are almost out of time. Closing statements, please. {against_name} first.",
            &slots,
        ),
    );
    d.chapter_at(at, "Closing statements");
    d.say(
        &con.character,
        "Change should be done with people, not to them. Slow down, and get it right.",
    );
    d.say(
        &pro.character,
        "Every year we wait, the problem grows. The time to act is now.",
    );
    d.say(
        &chair.character,
        &ctx.fill(
            "Thank you both. You have heard the arguments; the decision is yours. This has been {show}.",
            &[],
        ),
    );
    d.clip("music", -26.0, &format!("{theme}, short ending sting"), 3.0);
}

fn capitalise_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// `Look, the benefits ...`, `It's simple, really. The benefits ...`: a claim after a full
/// stop or a colon's start takes a capital.
fn sentence_case(line: &str) -> String {
    let mut out = String::new();
    let mut cap = false;
    for w in line.split(' ') {
        if !out.is_empty() {
            out.push(' ');
        }
        if cap {
            out.push_str(&capitalise_first(w));
        } else {
            out.push_str(w);
        }
        cap = w.ends_with(['.', '?', '!']);
    }
    out
}
