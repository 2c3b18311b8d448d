//! Live sports commentary: play by play in the sport's own words, the sides and the venue
//! the brief names, a co-commentator's view between passages when there are two voices,
//! the crowd under all of it.

use super::{Ctx, Mix, pick};
use crate::plan::template::Draft;

/// The sports whose words the commentary knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sport {
    Football,
    Tennis,
    Cricket,
    Racing,
    Rugby,
    Basketball,
    Motor,
    Other,
}

fn sport(brief: &str) -> Sport {
    let has = |words: &[&str]| {
        words
            .iter()
            .any(|w| brief.split(|c: char| !c.is_alphanumeric()).any(|b| b == *w))
    };
    if has(&["football", "soccer", "goal", "striker", "keeper", "penalty"]) {
        Sport::Football
    } else if has(&["tennis", "wimbledon", "serve", "set", "deuce"]) {
        Sport::Tennis
    } else if has(&["cricket", "wicket", "over", "batsman", "bowler", "innings"]) {
        Sport::Cricket
    } else if has(&[
        "horse",
        "racing",
        "fence",
        "jockey",
        "furlong",
        "derby",
        "steeplechase",
    ]) {
        Sport::Racing
    } else if has(&["rugby", "try", "scrum", "lineout"]) {
        Sport::Rugby
    } else if has(&["basketball", "nba", "dunk", "buzzer"]) {
        Sport::Basketball
    } else if has(&["formula", "grand prix", "f1", "lap", "pit"]) {
        Sport::Motor
    } else {
        Sport::Other
    }
}

/// Passages of play, each one line; `{a}` and `{b}` are the sides, `{venue}` the ground.
/// The first opens, the last two close (the decisive moment and the end); the middle ones
/// are played in a seeded order.
fn passages(sport: Sport) -> &'static [&'static str] {
    match sport {
        Sport::Football => &[
            "We're into the closing stages here, and {a} and {b} are still giving everything.",
            "{a} win it back in midfield, and they pour forward in numbers.",
            "A long ball over the top, and the keeper has to race off his line to clear!",
            "Free kick to {b}, twenty-five yards out. This is a real chance.",
            "Shot! Just wide of the post! {a} were inches away from a goal there!",
            "Corner to {a}. Everyone is up in the box, even the centre-backs.",
            "Yellow card. A cynical foul, and the referee had no choice.",
            "{b} are hanging on now. Every clearance is cheered like a goal.",
            "Substitution for {b}: fresh legs for the final push.",
            "A header from the edge of the six-yard box, and the keeper tips it over the bar!",
            "The fourth official holds up the board. Four minutes of added time.",
            "Goal! {a} have scored! The ball is in the net, and the place has gone wild!",
            "And there's the final whistle! {a} have done it!",
        ],
        Sport::Tennis => &[
            "Here we are on the famous grass, and you can hear a pin drop.",
            "{a} bounces the ball, once, twice, and serves. An ace down the middle!",
            "A long rally from the baseline. Neither player wants to give an inch.",
            "{b} comes to the net, and puts the volley away. Beautifully done.",
            "Second serve. Safe, and {a} takes control of the point.",
            "The crowd can hardly keep still. The umpire asks for quiet, please.",
            "A drop shot! {b} races forward, but it bounces twice.",
            "Deuce. Again. This game has lasted nearly ten minutes.",
            "Dark clouds gathering over the court. The rain is not far away.",
            "A forehand down the line, and it clips the net and drops over!",
            "Match point. {a} to serve. The whole centre court holds its breath.",
            "Game, set and match! {a} falls to the grass in disbelief!",
        ],
        Sport::Cricket => &[
            "So it comes down to this. The final over, and every ball matters.",
            "The bowler runs in, and it's a yorker, dug out just in time.",
            "Driven through the covers, and they'll run two. Great running between the wickets.",
            "A bouncer! The batsman sways out of the way. That was close to the helmet.",
            "Dot ball. The pressure is building with every delivery.",
            "The field is spread. Everyone is back on the boundary now.",
            "Edged, and it flies past the slips for four! A thick outside edge, but they'll take it.",
            "An appeal for leg before! Not out, says the umpire.",
            "{a} need six off the last ball. Can they do it?",
            "{b} bring the field in. Everyone saving the single.",
            "A wide! An extra run, and one more ball for {b} to bowl.",
            "He charges down the pitch, and that is six! Over the ropes and into the crowd!",
            "That's the match! {a} have won off the very last ball!",
        ],
        Sport::Racing => &[
            "And they're off! A clean start, and the field settles into its stride.",
            "{a} is the favourite, and {a} is travelling beautifully towards the front.",
            "Over the water jump, and they all get across safely.",
            "{b} is making ground on the outside, and the jockey hasn't moved yet.",
            "Into the final circuit, and the pace is really quickening now.",
            "A mistake at the open ditch! But the jockey stays on board.",
            "The crowd in the grandstand are on their feet as they turn for home.",
            "Three fences left, and it's between {a} and {b}.",
            "They come to the last fence, and {a} has fallen! {a} is down at the last!",
            "{b} is left clear, and {b} gallops past the post to win!",
        ],
        Sport::Rugby => &[
            "Into the final minutes, and there's nothing between these two sides.",
            "Scrum on the halfway line. {a} are pushing hard.",
            "A break down the wing! {a} are through, and there's only the full-back to beat!",
            "Penalty to {b}. They'll kick for the corner.",
            "The lineout is won, and the maul rolls forward, metre after metre.",
            "A huge tackle! The ball goes loose, and {b} pounce on it.",
            "{a} go through the phases, patient, probing, looking for the gap.",
            "Try! {a} have scored in the corner!",
            "And the referee blows for full time!",
        ],
        Sport::Basketball => &[
            "We're into the final quarter, and {a} lead by two.",
            "{b} bring it up the floor. The shot clock is running down.",
            "A three-pointer from the corner! Nothing but net!",
            "Steal! {a} are away on the fast break, and it's a dunk!",
            "Time-out called. The coaches are drawing up one last play.",
            "Foul on the drive. Two free throws to come.",
            "The crowd is deafening. You can barely hear yourself think.",
            "Five seconds left. {b} inbound, looking for the last shot.",
            "At the buzzer! It's good! {a} win it!",
        ],
        Sport::Motor => &[
            "Final laps here, and the leaders are nose to tail.",
            "{a} pulls out of the slipstream, and tries to go round the outside!",
            "Into the pit lane for {b}. A quick stop, just over two seconds.",
            "Smoke from the tyres as {a} locks up into the hairpin!",
            "The gap is down to three tenths of a second.",
            "Yellow flags in the final sector. Debris on the track.",
            "Last lap! {a} has one chance left to make a move.",
            "Side by side through the final corner!",
            "And {a} takes the chequered flag! What a race!",
        ],
        Sport::Other => &[
            "Into the final stretch now, and the tension is unbearable.",
            "{a} on the attack, and the crowd rises with them.",
            "A brilliant piece of defence from {b}! They are not giving up.",
            "The momentum is swinging back and forth with every minute.",
            "What a moment of skill! You will not see better than that this season.",
            "{b} regroup, and look for one last opening.",
            "The noise inside the arena is incredible.",
            "And that's it! {a} have won!",
        ],
    }
}

/// The sound of play in each sport: bat on ball, a kick, a racket.
fn play_sound(sport: Sport) -> Option<&'static str> {
    match sport {
        Sport::Cricket => Some("Cricket bat striking the ball, leather on willow"),
        Sport::Tennis => Some("Tennis racket hitting the ball"),
        Sport::Football => Some("Football being kicked hard"),
        Sport::Rugby => Some("Rugby ball kicked high"),
        Sport::Basketball => Some("Basketball bouncing on a wooden court"),
        Sport::Motor => Some("Racing car engine roaring past"),
        // Racing has its hooves as a sound the brief names, heard throughout.
        Sport::Racing | Sport::Other => None,
    }
}

/// What a co-commentator adds between passages.
const ANALYSIS: &[&str] = &[
    "You have to say, {a} have earned this. They've been the better side all afternoon.",
    "That's the moment that could decide it. Nerves of steel.",
    "Tactically, {b} have got it right, but they need something special now.",
    "I've been doing this job a long time, and I've rarely heard the crowd like this.",
    "Look at the energy. You can see how much this means to every one of them.",
    "That's experience. You can't teach that.",
    "Sometimes it's the smallest margins. An inch either way, and it's a different story.",
    "The fans here will remember this for the rest of their lives.",
];

/// Play for a long commentary, once the sport's own passages are told: what happens (17),
/// in words that fit any sport and either side, and how it lands (13).
const PLAY: &[&str] = &[
    "Patient build-up from {a}, looking for a way through.",
    "Pressure from {b} now, and the crowd can sense it.",
    "A lovely piece of skill from {a}.",
    "Good, solid defending from {b}, just when it was needed.",
    "Another spell of pressure from {a}.",
    "A short pause while the officials take a closer look.",
    "Half a chance for {b}, but it comes to nothing.",
    "An anxious moment for {a}.",
    "Great determination from {b}, who simply will not give up.",
    "Nothing to separate them at the moment.",
    "A touch of luck for {a} there.",
    "Quick thinking from {b}, and the danger is gone.",
    "A big shout from the crowd, but the officials wave it away.",
    "A chance for {a}! Oh, so close!",
    "A change of pace from {b}, trying something different.",
    "Some tired legs out there now.",
    "A moment of hesitation from {a}, and it is gone.",
];
const LANDS: &[&str] = &[
    "The crowd are on their feet.",
    "You can feel the tension all around {here}.",
    "That's the kind of moment that can change everything.",
    "The noise is building again.",
    "Neither side is giving an inch.",
    "And the clock keeps ticking.",
    "What a contest this is.",
    "Everybody here knows how much is at stake.",
    "There'll be plenty of talk about that afterwards.",
    "The supporters in the far corner are making themselves heard.",
    "Nobody wants to blink first.",
    "A moment to catch the breath.",
    "It's thrilling stuff.",
];
/// What a co-commentator adds once the written views are said: a start (7) and a view (11).
const VIEW_STARTS: &[&str] = &[
    "I tell you what,",
    "For me,",
    "Honestly,",
    "You know,",
    "Look,",
    "If you ask me,",
    "Make no mistake,",
];
const VIEWS: &[&str] = &[
    "that's what years of practice look like.",
    "the next few minutes will decide this.",
    "the pressure is getting to everyone out there.",
    "there's not much left in the legs now.",
    "it's all about who wants it more.",
    "you can't fault the effort from {b}.",
    "{a} will feel this could be their day.",
    "that's the sort of thing coaches lie awake about.",
    "the quality on show today has been remarkable.",
    "I wouldn't want to be making the decisions right now.",
    "this crowd has been worth the ticket on its own.",
];

/// The ground, from the brief's names: the one after "at", "from" or "in".
fn venue(ctx: &Ctx) -> Option<String> {
    ctx.names
        .iter()
        .find(|n| ["at", "from", "in"].contains(&n.before.as_str()))
        .map(|n| n.text.clone())
}

/// The sides: the brief's other names (teams, players, horses) in order.
fn sides(ctx: &Ctx, sport: Sport) -> (String, String) {
    let v = venue(ctx);
    let names: Vec<String> = ctx
        .others
        .iter()
        .cloned()
        .chain(
            ctx.names
                .iter()
                .filter(|n| Some(&n.text) != v.as_ref())
                .map(|n| n.text.clone()),
        )
        .collect();
    let (da, db) = match sport {
        Sport::Tennis => ("the champion", "the challenger"),
        Sport::Racing => ("the leader", "the chaser"),
        Sport::Motor => ("the leader", "the challenger"),
        Sport::Cricket => ("the batting side", "the bowling side"),
        _ if [
            "marathon", "race", "runner", "runners", "cycling", "cyclists",
        ]
        .iter()
        .any(|w| ctx.brief.contains(w)) =>
        {
            ("the leader", "the chasing pack")
        }
        _ => ("the home side", "the visitors"),
    };
    let a = names.first().cloned().unwrap_or_else(|| da.to_owned());
    let b = names.get(1).cloned().unwrap_or_else(|| db.to_owned());
    (a, b)
}

/// The title of a commentary: `Rovers v City`, else the venue, else the subject's.
pub(super) fn title(ctx: &Ctx) -> Option<String> {
    let s = sport(&ctx.brief);
    let v = venue(ctx);
    let named: Vec<&str> = ctx
        .names
        .iter()
        .filter(|n| Some(&n.text) != v.as_ref())
        .map(|n| n.text.as_str())
        .collect();
    match (named.as_slice(), v) {
        ([a, b, ..], _) if s != Sport::Racing => Some(format!("{a} v {b}")),
        (_, Some(v)) => Some(format!("Live from {v}")),
        _ => None,
    }
}

/// The line with the sides in it (`Draft::say` capitalises a sentence that starts with one).
fn fill(line: &str, a: &str, b: &str) -> String {
    line.replace("{a}", a).replace("{b}", b)
}

pub(super) fn write(ctx: &Ctx, d: &mut Draft, units: usize) {
    let s = sport(&ctx.brief);
    let (a, b) = sides(ctx, s);
    let lead = ctx.cast[0].character.clone();
    let co = ctx.cast.get(1).map(|p| p.character.clone());
    let theme = ctx.music(&mut d.rng, "theme");
    d.clip("music", -24.0, theme, 5.0);
    d.begin("sfx", "ambience", -30.0, ctx.ambience());
    let hello = match venue(ctx) {
        Some(v) => format!(
            "{}, and welcome to {v}.",
            pick(ctx, &mut d.rng, &["Good afternoon", "Hello again"])
        ),
        None => pick(
            ctx,
            &mut d.rng,
            &[
                "Good afternoon, and what an afternoon it is.",
                "Hello again, and welcome back.",
            ],
        )
        .to_owned(),
    };
    d.say(&lead, &hello);
    if let Some(co) = &co {
        d.say(
            co,
            &fill(
                "Thanks. I don't think anyone here has sat down for the last ten minutes.",
                &a,
                &b,
            ),
        );
    }
    let lines = passages(s);
    let (opening, rest) = lines.split_first().expect("passages");
    let (middle, ending) = rest.split_at(rest.len() - 2);
    let mut order: Vec<usize> = (0..middle.len()).collect();
    d.rng.shuffle(&mut order);
    d.say(&lead, &fill(opening, &a, &b));
    // The situation as the brief gives it: "India need 12 off 6 balls against Australia".
    for detail in ctx.details.iter().take(3) {
        d.say(&lead, detail);
    }
    let n = units.min(middle.len());
    let mut analysis = d.rng.below(ANALYSIS.len());
    let here = venue(ctx).unwrap_or_else(|| "the ground".to_owned());
    let mut play = Mix::new(&mut d.rng, &[PLAY, LANDS]);
    let mut views = Mix::new(&mut d.rng, &[VIEW_STARTS, VIEWS]);
    let mut said_views = 0;
    for k in 0..units.max(n) {
        if k < n {
            d.say(&lead, &fill(middle[order[k]], &a, &b));
        } else {
            let line = play.line(d, |l| fill(&l.replace("{here}", &here), &a, &b));
            d.say(&lead, &line);
            // A long commentary breathes: the crowd swells between spells of play.
            if (k - n) % 12 == 11 {
                d.clip("sfx", -22.0, "Crowd cheering and applauding", 3.0);
            }
        }
        if let Some(co) = &co
            && k % 2 == 1
        {
            if said_views < ANALYSIS.len() {
                d.say(co, &fill(ANALYSIS[analysis % ANALYSIS.len()], &a, &b));
                analysis += 1;
            } else {
                let view = views.line(d, |l| fill(l, &a, &b));
                d.say(co, &view);
            }
            said_views += 1;
        }
    }
    // The sound of the game itself, just before the decisive moment.
    if let Some(sound) = play_sound(s) {
        d.clip("sfx", -20.0, sound, 1.0);
    }
    d.say(&lead, &fill(ending[0], &a, &b));
    d.clip("sfx", -18.0, "Crowd roaring and cheering", 3.0);
    d.say(&lead, &fill(ending[1], &a, &b));
    if matches!(s, Sport::Football | Sport::Rugby) {
        d.clip("sfx", -20.0, "Referee's whistle", 1.5);
    }
    if let Some(co) = &co {
        d.say(
            co,
            &fill("Unbelievable. Simply unbelievable. What a finish.", &a, &b),
        );
    }
    d.end("sfx", "ambience");
    d.clip("music", -24.0, &format!("{theme}, short ending sting"), 3.0);
}
