//! A debate: the moderator puts the motion, the first side argues for it and the second
//! against, round by round, then closing statements.

use super::{Ctx, pick};
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
