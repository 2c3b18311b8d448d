//! The running order and the lines of each genre.
//!
//! Lines are sentences with slots (`{thing}`, `{place}`, `{headline}`, ...) filled from the
//! brief; each line has several variants, chosen by the seeded random source.

use crate::dsp::rng::Rng;

mod aspects;
mod commentary;
mod debate;
mod documentary;
mod drama;
mod weather;

use super::Draft;
use super::brief::{
    Analysis, Genre, Mood, Person, ProperName, Setting, SubjectKind, capitalise, setting_named,
};

/// What every line can draw on.
pub(crate) struct Ctx {
    pub genre: Genre,
    pub title: String,
    pub show: String,
    pub subject: String,
    pub kind: SubjectKind,
    pub cue: &'static str,
    /// A definite noun phrase for the subject: `the light-speed probe`.
    pub thing: String,
    /// A proper name in the subject: `Alpha Centauri`.
    pub proper: Option<String>,
    pub setting: Setting,
    pub mood: Mood,
    /// Whether the brief's words gave the mood (else it is the genre's).
    pub mood_said: bool,
    pub flavour: Option<&'static str>,
    pub cast: Vec<Person>,
    pub segments: Vec<Vec<usize>>,
    pub seed: u64,
    /// Proper names of the brief that are not speakers: places, teams, organisations.
    pub names: Vec<ProperName>,
    /// The brief's facts, a clause each.
    pub details: Vec<String>,
    /// The facts that set a scene ([`Analysis::scene`]).
    pub scene: Vec<String>,
    /// People the brief names who are talked about, not heard (a commentary's players).
    pub others: Vec<String>,
    /// The brief, lower-cased.
    pub brief: String,
    /// What happens, for a narrator to tell ([`Analysis::premise`]).
    pub premise: Option<String>,
    /// Where a line says it is: the brief's own words ("in an abandoned hospital"), else the
    /// setting's.
    pub place: String,
    /// The premise with the rest of its sentence ([`Analysis::premise_sentence`]).
    pub premise_sentence: Option<String>,
    /// The requested length, seconds.
    pub length_s: Option<f64>,
}

fn role_of(p: &Person, roles: &[&str]) -> bool {
    p.is_role(roles)
}

const LEADS: &[&str] = &["anchor", "newsreader", "presenter", "host"];
const ASKERS: &[&str] = &[
    "host",
    "co-host",
    "interviewer",
    "reporter",
    "correspondent",
    "journalist",
    "presenter",
    "anchor",
];

impl Ctx {
    pub fn new(a: &Analysis, seed: u64, warnings: &mut Vec<String>) -> Ctx {
        let genre = a.genre;
        let mut cast = a.people.clone();
        let mut segments = a.segments.clone();
        let mut others: Vec<String> = Vec::new();
        let add = |cast: &mut Vec<Person>, p: Person| -> usize {
            match cast.iter().position(|c| c.character == p.character) {
                Some(i) => i,
                None => {
                    cast.push(p);
                    cast.len() - 1
                }
            }
        };
        match genre {
            Genre::News => {
                if cast.is_empty() {
                    let a = add(&mut cast, Person::role_person("anchor"));
                    let r = add(&mut cast, Person::role_person("reporter"));
                    let e = add(&mut cast, Person::role_person("expert"));
                    segments = vec![vec![a], vec![r, e], vec![a]];
                } else {
                    let first = &cast[segments[0][0]];
                    // "with anchor Lisa Wong and weather presenter Dan Evans": the anchor
                    // opens alone, then talks with the other.
                    if segments[0].len() > 1 && role_of(first, LEADS) {
                        let lead = segments[0][0];
                        segments.insert(0, vec![lead]);
                    }
                    let opener = if segments[0].len() == 1 && role_of(first, LEADS) {
                        segments[0][0]
                    } else {
                        let a = add(&mut cast, Person::role_person("anchor"));
                        segments.insert(0, vec![a]);
                        a
                    };
                    // Someone to interview when the brief names only the anchor.
                    if !segments.iter().any(|s| s.len() > 1) && cast.len() == 1 {
                        let r = add(&mut cast, Person::role_person("reporter"));
                        let e = add(&mut cast, Person::role_person("expert"));
                        segments.push(vec![r, e]);
                    }
                    // A reporter alone at the scene talks to someone there; anyone else
                    // named alone is interviewed by the anchor.
                    if !segments.iter().any(|s| s.len() > 1)
                        && let Some(k) = segments.iter().position(|s| s[0] != opener)
                    {
                        if role_of(&cast[segments[k][0]], ASKERS) {
                            // Someone from the story's crowd ("firefighters"), else a witness.
                            let voice = a.groups.first().map_or("witness", String::as_str);
                            let w = add(&mut cast, Person::role_person(voice));
                            segments[k].push(w);
                        } else {
                            segments[k].insert(0, opener);
                        }
                    }
                    if segments.last() != Some(&vec![opener]) {
                        segments.push(vec![opener]);
                    }
                }
            }
            Genre::Interview => {
                let asker = cast.iter().position(|p| role_of(p, ASKERS));
                let host = match asker {
                    Some(i) => i,
                    None => add(&mut cast, Person::role_person("host")),
                };
                let guests: Vec<usize> = (0..cast.len()).filter(|&i| i != host).collect();
                let guests = if guests.is_empty() {
                    vec![add(&mut cast, Person::role_person("guest"))]
                } else {
                    guests
                };
                let mut talk = vec![host];
                talk.extend(guests);
                segments = vec![vec![host], talk, vec![host]];
            }
            Genre::Podcast => {
                // "a podcast about AI with Dr. Lee and nurse Tom": someone hosts them.
                if a.guests
                    && !cast
                        .iter()
                        .any(|p| role_of(p, &["host", "co-host", "presenter"]))
                {
                    cast.insert(0, Person::role_person("host"));
                }
                if cast.is_empty() {
                    add(&mut cast, Person::role_person("host"));
                }
                if cast.len() == 1 {
                    let other = if role_of(&cast[0], &["host"]) {
                        "co-host"
                    } else {
                        "host"
                    };
                    if other == "host" {
                        cast.insert(0, Person::role_person("host"));
                    } else {
                        cast.push(Person::role_person(other));
                    }
                }
                let all: Vec<usize> = (0..cast.len().min(4)).collect();
                segments = vec![all];
            }
            Genre::Story => {
                let narrator = cast
                    .iter()
                    .position(|p| p.narrates)
                    .or_else(|| cast.iter().position(|p| role_of(p, &["narrator"])))
                    .unwrap_or_else(|| {
                        cast.insert(0, Person::role_person("narrator"));
                        0
                    });
                if narrator != 0 {
                    let n = cast.remove(narrator);
                    cast.insert(0, n);
                }
                if cast.len() == 1 {
                    cast.push(Person::role_person("traveller"));
                }
                // Someone to talk to: a lone character meets a stranger.
                if cast.len() == 2 {
                    cast.push(Person::role_person("stranger"));
                }
                let chars: Vec<usize> = (1..cast.len().min(4)).collect();
                segments = vec![vec![0], chars, vec![0]];
            }
            Genre::Debate => {
                let chair = cast.iter().position(|p| {
                    p.narrates || role_of(p, &["moderator", "chair", "host", "presenter", "anchor"])
                });
                let chair = match chair {
                    Some(i) => cast.remove(i),
                    None => Person::role_person("moderator"),
                };
                cast.insert(0, chair);
                for side in ["proposer", "opponent"] {
                    if cast.len() < 3 {
                        cast.push(Person::role_person(side));
                    }
                }
                let sides: Vec<usize> = (0..cast.len().min(4)).collect();
                segments = vec![vec![0], sides, vec![0]];
            }
            Genre::Drama => {
                // A scene is played by its people. A narrator sets it when the brief asks
                // for one or gives where and when ("in a trench on christmas eve 1914").
                let narrator = cast
                    .iter()
                    .position(|p| p.narrates || role_of(p, &["narrator"]));
                let narrator = match narrator {
                    Some(i) => Some(cast.remove(i)),
                    None => (!a.scene.is_empty()).then(|| Person::role_person("narrator")),
                };
                for filler in ["stranger", "friend"] {
                    if cast.len() < 2 {
                        cast.push(Person::role_person(filler));
                    }
                }
                let players = cast.len().min(4);
                segments = vec![(0..players).collect()];
                if let Some(n) = narrator {
                    cast.insert(0, n);
                    segments = vec![vec![0], (1..=players).collect()];
                }
            }
            Genre::Commentary => {
                const VOICES: &[&str] = &[
                    "commentator",
                    "co-commentator",
                    "presenter",
                    "host",
                    "co-host",
                    "pundit",
                    "summariser",
                ];
                // The players, runners and horses the brief names are talked about.
                others = cast
                    .iter()
                    .filter(|p| p.named && !role_of(p, VOICES))
                    .map(|p| p.title.clone())
                    .collect();
                cast.retain(|p| role_of(p, VOICES));
                if cast.is_empty() {
                    cast.push(Person::role_person("commentator"));
                }
                segments = vec![(0..cast.len().min(4)).collect()];
            }
            Genre::Weather => {
                let presenter = cast
                    .iter()
                    .find(|p| {
                        p.named
                            || role_of(
                                p,
                                &["presenter", "forecaster", "host", "anchor", "newsreader"],
                            )
                    })
                    .cloned()
                    .unwrap_or_else(|| Person::role_person("presenter"));
                cast = vec![presenter];
                segments = vec![vec![0]];
            }
            Genre::Documentary => {
                let narrator = cast
                    .iter()
                    .position(|p| p.narrates)
                    .or_else(|| cast.iter().position(|p| role_of(p, &["narrator"])))
                    .or_else(|| cast.iter().position(|p| role_of(p, &["host", "presenter"])));
                let narrator = match narrator {
                    Some(i) => cast.remove(i),
                    None => Person::role_person("narrator"),
                };
                cast.insert(0, narrator);
                if cast.len() == 1 {
                    // "what local farmers think": one of them speaks, else an expert.
                    let voice = a.groups.first().map_or("expert", String::as_str);
                    cast.push(Person::role_person(voice));
                }
                let all: Vec<usize> = (0..cast.len().min(4)).collect();
                segments = vec![vec![0], all, vec![0]];
            }
            Genre::Advert => {
                let announcer = cast
                    .iter()
                    .position(|p| role_of(p, &["announcer", "narrator", "presenter", "host"]));
                let a = match announcer {
                    Some(i) => i,
                    None => add(&mut cast, Person::role_person("announcer")),
                };
                let mut scene: Vec<usize> = (0..cast.len()).filter(|&i| i != a).collect();
                if scene.is_empty() {
                    scene.push(add(&mut cast, Person::role_person("customer")));
                    scene.push(add(&mut cast, Person::role_person("friend")));
                }
                scene.truncate(2);
                segments = vec![scene, vec![a]];
            }
            Genre::Meditation => {
                let guide = cast
                    .iter()
                    .find(|p| !role_of(p, &["listener"]))
                    .cloned()
                    .unwrap_or_else(|| Person::role_person("guide"));
                if cast.len() > 1 {
                    warnings.push(format!(
                        "a guided meditation has one voice: {} guides it",
                        guide.the()
                    ));
                }
                cast = vec![guide];
                segments = vec![vec![0]];
            }
        }
        // At most four voices: more are hard to tell apart.
        if cast.len() > 4 {
            warnings.push(format!(
                "the brief names {} people; the template planner writes parts for the first \
                 four ({})",
                cast.len(),
                cast[..4]
                    .iter()
                    .map(|p| p.character.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            cast.truncate(4);
            for s in &mut segments {
                s.retain(|&i| i < 4);
            }
            segments.retain(|s| !s.is_empty());
        }
        let (subject, kind, cue) = match &a.subject {
            Some(s) => (s.text.clone(), s.kind, s.cue),
            None => (
                match genre {
                    Genre::News => "the day's top stories",
                    Genre::Interview => "a life's work",
                    Genre::Podcast => "the small things that make life interesting",
                    Genre::Story => "a night nobody would forget",
                    Genre::Advert => "something new",
                    Genre::Meditation => "rest and calm",
                    Genre::Debate => "the question everyone is arguing about",
                    Genre::Drama => "a night that changed everything",
                    Genre::Commentary => "the big match",
                    Genre::Weather => "today's weather and travel",
                    Genre::Documentary => "a story that deserves to be told",
                }
                .to_owned(),
                SubjectKind::Noun,
                "about",
            ),
        };
        let thing = thing_of(&subject, kind).unwrap_or_else(|| {
            match genre {
                Genre::News => "this story",
                Genre::Story | Genre::Drama => "the journey",
                Genre::Advert => "it",
                Genre::Commentary => "the match",
                _ => "this subject",
            }
            .to_owned()
        });
        let show = a.show.clone().unwrap_or_else(|| {
            match genre {
                Genre::News => "the evening news",
                Genre::Interview => "In Conversation",
                Genre::Podcast => "the podcast",
                Genre::Story => "",
                Genre::Debate => "The Debate",
                Genre::Weather => "the travel and weather",
                Genre::Advert
                | Genre::Meditation
                | Genre::Drama
                | Genre::Commentary
                | Genre::Documentary => "",
            }
            .to_owned()
        });
        let show = if genre == Genre::Advert && show.is_empty() {
            thing.clone()
        } else {
            show
        };
        let title = match (&a.show, genre) {
            (Some(s), _) => s.clone(),
            (None, Genre::Meditation) if cue == "for" => {
                format!("A guided meditation for {}", short(&subject, 7))
            }
            (None, Genre::Meditation) => format!("A guided meditation: {}", short(&subject, 7)),
            (None, _) => capitalise(&short(&subject, 8)),
        };
        let setting = a.setting.unwrap_or_else(|| {
            setting_named(match genre {
                Genre::News => "office",
                Genre::Interview | Genre::Podcast => "studio",
                Genre::Story => match a.mood {
                    Some(Mood::Eerie | Mood::Tense) => "storm",
                    _ => "countryside at night",
                },
                Genre::Advert => "city street",
                Genre::Meditation => "stream",
                Genre::Commentary => "stadium",
                Genre::Debate | Genre::Drama | Genre::Weather | Genre::Documentary => "studio",
            })
        });
        let mood = a.mood.unwrap_or(match genre {
            Genre::News => Mood::Dramatic,
            Genre::Interview => Mood::Warm,
            Genre::Podcast | Genre::Advert => Mood::Upbeat,
            Genre::Story | Genre::Drama => Mood::Tense,
            Genre::Meditation => Mood::Calm,
            Genre::Debate => Mood::Dramatic,
            Genre::Commentary | Genre::Weather => Mood::Upbeat,
            Genre::Documentary => Mood::Calm,
        });
        // A proper name to talk about: the subject's, else the first other name the brief
        // gives (a place, an organisation), so that it is heard in the lines.
        let proper = proper_of(&subject)
            .or_else(|| {
                a.names
                    .iter()
                    .map(|n| n.text.clone())
                    .find(|n| !n.chars().any(|c| c.is_ascii_digit()))
            })
            .filter(|p| !show.contains(p.as_str()));
        let mut ctx = Ctx {
            genre,
            title,
            show,
            subject,
            kind,
            cue,
            thing,
            proper,
            setting,
            mood,
            mood_said: a.mood.is_some(),
            flavour: a.flavour,
            cast,
            segments,
            seed,
            names: a.names.clone(),
            details: a.details.clone(),
            scene: a.scene.clone(),
            others,
            brief: a.lower.clone(),
            premise: a.premise.clone(),
            place: a.place.clone().unwrap_or_else(|| setting.place.to_owned()),
            premise_sentence: a.premise_sentence.clone(),
            length_s: a.length_s,
        };
        // "a soft female voice": the voice that leads a one-voice piece.
        if let Some(g) = a.voice_gender {
            let lead = match genre {
                Genre::Advert => ctx.segments[1][0],
                _ => ctx.segments[0][0],
            };
            ctx.cast[lead].gender.get_or_insert(g);
        }
        // A match is titled by who plays; an update by where it is for.
        let titled = match genre {
            Genre::Commentary if a.subject.is_none() => commentary::title(&ctx),
            Genre::Weather => weather::title(&ctx),
            _ => None,
        };
        if let Some(t) = titled {
            ctx.title = t;
        }
        ctx
    }

    /// Fills a line's slots.
    fn fill(&self, line: &str, extra: &[(&str, String)]) -> String {
        let mut out = line.to_owned();
        for (k, v) in extra {
            out = out.replace(&format!("{{{k}}}"), v);
        }
        let asks = self.subject.split(' ').next().is_some_and(|w| {
            ["how", "why", "what", "when", "where", "whether", "who"]
                .contains(&w.to_lowercase().as_str())
        });
        let about = match self.kind {
            SubjectKind::Clause if !asks => format!("how {}", self.subject),
            _ => self.subject.clone(),
        };
        let summary = match self.kind {
            SubjectKind::Clause => self.subject.clone(),
            SubjectKind::Noun => format!("it is all about {}", self.subject),
        };
        let pairs = [
            ("{show}", self.show.clone()),
            ("{headline}", self.subject.clone()),
            ("{summary}", summary),
            ("{about_cap}", capitalise(&about)),
            ("{about}", about),
            ("{thing}", self.thing.clone()),
            ("{proper}", self.proper.clone().unwrap_or_default()),
            ("{place}", self.place.clone()),
            ("{image}", self.setting.image.to_owned()),
        ];
        for (k, v) in pairs {
            out = out.replace(k, &v);
        }
        out
    }

    fn music(&self, rng: &mut Rng, part: &str) -> &'static str {
        let sci = self.flavour == Some("science fiction");
        let dark = matches!(self.mood, Mood::Tense | Mood::Eerie);
        let options: &[&str] = match (self.genre, part) {
            (Genre::Meditation, _) => &[
                "Slow meditation ambient pad, no drums",
                "Calm ambient meditation drone, no drums",
            ],
            (Genre::Commentary, _) => &[
                "Driving energetic sports anthem with drums",
                "Upbeat rock sports theme",
            ],
            (Genre::Debate, _) => &["Serious thoughtful discussion theme"],
            (Genre::Weather, _) if self.brief.contains("morning") => {
                &["Bright upbeat morning news theme"]
            }
            (Genre::Weather, _) => &["Bright light news theme"],
            (Genre::Documentary, _) if dark => {
                &["Dark brooding tense theme", "Mysterious dark ambient theme"]
            }
            (Genre::Documentary, "bed") => &["Soft reflective piano bed"],
            // What the piece is about outranks its format: a sports podcast sounds like sport.
            (_, "bed") if self.flavour == Some("sport") => &["Light driving sports bed with drums"],
            (Genre::Interview | Genre::Podcast, "bed") if dark => &["Dark ambient tension bed"],
            (Genre::Interview | Genre::Podcast, "bed") if self.mood == Mood::Sad => {
                &["Soft sad piano bed"]
            }
            (_, _) if self.flavour == Some("sport") => &[
                "Driving energetic sports anthem with drums",
                "Upbeat rock sports theme",
            ],
            (Genre::Documentary, _) | (_, _) if self.flavour == Some("documentary") => &[
                "Reflective orchestral documentary theme",
                "Thoughtful orchestral documentary theme with piano",
            ],
            (Genre::Documentary, _) => &[
                "Reflective orchestral documentary theme",
                "Thoughtful orchestral documentary theme with piano",
            ],
            (Genre::News | Genre::Podcast | Genre::Interview, _)
                if self.flavour == Some("morning") =>
            {
                &["Bright upbeat morning news theme"]
            }
            (Genre::Podcast | Genre::Interview | Genre::Advert, _)
                if self.flavour == Some("food") =>
            {
                &["Warm jazzy acoustic jingle"]
            }
            (Genre::Story | Genre::Drama, _) if self.mood_said && self.mood == Mood::Eerie => {
                &["Eerie suspense underscore", "Dark ambient suspense drone"]
            }
            (Genre::Podcast | Genre::Interview, _) if dark => {
                &["Dark brooding tense theme", "Mysterious dark ambient theme"]
            }
            (Genre::Podcast | Genre::Interview, _) if self.mood == Mood::Sad => {
                &["Melancholy solo piano theme"]
            }
            (Genre::Podcast | Genre::Interview, _) if self.mood == Mood::Dramatic => {
                &["Serious thoughtful discussion theme"]
            }
            (Genre::News, _) if sci => &[
                "Dramatic synthwave news theme",
                "Futuristic electronic news theme",
            ],
            (Genre::News, _) if self.mood == Mood::Upbeat => &["Upbeat bright news theme"],
            (Genre::News, _) => &[
                "Dramatic orchestral news theme",
                "Urgent news theme with driving drums",
            ],
            (Genre::Interview | Genre::Podcast, "bed") => match self.flavour {
                Some("jazz") => &["Soft jazz trio bed"],
                _ => &["Calm lo-fi hip hop bed at 85 bpm", "Mellow lo-fi bed"],
            },
            (Genre::Interview, _) => match self.mood {
                Mood::Calm | Mood::Sad => &["Gentle ambient intro theme"],
                _ => &[
                    "Warm thoughtful piano intro",
                    "Gentle acoustic guitar intro",
                ],
            },
            (Genre::Podcast, _) => match (self.flavour, self.mood) {
                (Some("jazz"), _) => &["Upbeat jazz trio jingle"],
                (Some("country"), _) => &["Cheerful country jingle"],
                (Some("science fiction"), _) => &["Bright synthwave jingle"],
                (Some("electronic"), _) => &["Modern electronic podcast theme"],
                (_, Mood::Calm) => &["Calm bossa nova intro"],
                (_, Mood::Funny) => &["Happy playful ukulele podcast jingle"],
                (_, Mood::Warm) => &["Warm acoustic folk theme"],
                _ => &[
                    "Upbeat lo-fi hip hop intro jingle",
                    "Bright funk podcast jingle",
                    "Warm acoustic podcast jingle",
                ],
            },
            (Genre::Story | Genre::Drama, _) => match (self.flavour, self.mood) {
                // "a funny story for kids": playful, not a lullaby.
                (Some("children's"), Mood::Funny | Mood::Upbeat) => &["Playful children's tune"],
                (Some("children's"), _) => &["Gentle children's lullaby"],
                (Some("fantasy" | "celtic"), _) => &["Mysterious celtic folk tune"],
                (Some("science fiction"), _) => &["Slow cinematic synthwave underscore"],
                (_, Mood::Eerie) => &["Eerie suspense underscore", "Dark ambient suspense drone"],
                (_, Mood::Tense) => &[
                    "Tense thriller underscore",
                    "Mysterious suspense underscore",
                ],
                (_, Mood::Dramatic) => &["Dramatic orchestral underscore"],
                (_, Mood::Epic) => &["Epic cinematic orchestral score"],
                (_, Mood::Sad) => &["Sad solo piano"],
                (_, Mood::Funny | Mood::Upbeat) => &["Playful children's tune"],
                _ => &["Gentle cinematic strings", "Calm ambient underscore"],
            },
            (Genre::Advert, _) => match (self.flavour, self.mood) {
                (Some("electronic" | "science fiction"), _) => &["Upbeat electronic jingle"],
                (Some("country"), _) => &["Cheerful country jingle"],
                (_, Mood::Calm | Mood::Warm) => &["Relaxed bossa nova jingle"],
                (_, Mood::Epic | Mood::Dramatic) => &["Epic cinematic trailer music"],
                _ => &[
                    "Happy ukulele jingle",
                    "Upbeat funk jingle",
                    "Bright corporate jingle",
                ],
            },
        };
        options[rng.below(options.len())]
    }

    /// Event subjects ("humans sent a probe") get questions about what happened; topics
    /// ("coral reefs") questions about the topic.
    fn facets(&self) -> &'static [Facet] {
        match (self.kind, self.genre) {
            (SubjectKind::Clause, _) | (_, Genre::News) => FACETS,
            _ => TOPIC_FACETS,
        }
    }

    /// Where a podcast comes from: a name the brief gives after "in" or "from", unless the
    /// subject says it already.
    fn home_place(&self) -> Option<&str> {
        self.names
            .iter()
            .find(|n| ["in", "from"].contains(&n.before.as_str()))
            .map(|n| n.text.as_str())
            .filter(|n| !self.subject.contains(n))
    }

    fn ambience(&self) -> &'static str {
        self.setting.ambience
    }
}

/// At most `n` words of a phrase.
fn short(s: &str, n: usize) -> String {
    let words: Vec<&str> = s.split(' ').collect();
    let mut out = words[..words.len().min(n)].join(" ");
    // Do not end on a small word.
    while let Some((head, last)) = out.rsplit_once(' ') {
        if [
            "a", "an", "the", "of", "to", "in", "on", "for", "and", "with", "at", "who", "that",
            "from", "by", "about", "during", "into", "is", "are", "or", "their", "his", "her",
            "its", "our", "my", "your",
        ]
        .contains(&last.to_lowercase().as_str())
        {
            out = head.to_owned();
        } else {
            break;
        }
    }
    out
}

const BREAKS: &[&str] = &[
    "in", "on", "at", "to", "for", "from", "with", "by", "about", "that", "which", "who", "and",
    "or", "but", "into", "across", "over", "after", "before", "during", "as", "while", "when",
    "is", "are", "was", "were", "has", "have",
];

/// A definite noun phrase from the subject: `a light-speed probe` → `the light-speed probe`.
fn thing_of(subject: &str, kind: SubjectKind) -> Option<String> {
    let words: Vec<&str> = subject.split(' ').collect();
    let det = |i: usize| {
        ["a", "an", "the", "their", "his", "her", "its", "our"]
            .contains(&words[i].to_lowercase().as_str())
    };
    let start = match kind {
        SubjectKind::Clause => (1..words.len()).find(|&i| det(i)),
        SubjectKind::Noun => det(0).then_some(0),
    };
    let (start, article) = match start {
        Some(i) => (i + 1, true),
        None if kind == SubjectKind::Noun => (0, false),
        None => return None,
    };
    let mut np = Vec::new();
    for w in &words[start..] {
        // "D.B." is initials, not the end of the phrase.
        let initials = w.len() > 2
            && w.ends_with('.')
            && w.trim_end_matches('.')
                .split('.')
                .all(|p| p.chars().count() == 1 && p.chars().all(char::is_uppercase));
        let bare = if initials {
            w
        } else {
            w.trim_end_matches([',', '.', ';', ':'])
        };
        let lw = bare.to_lowercase();
        if BREAKS.contains(&lw.as_str()) || np.len() == 5 {
            break;
        }
        np.push(bare);
        if bare.len() != w.len() {
            break;
        }
    }
    if np.is_empty() {
        return None;
    }
    // "life on the space station": one word says too little; keep the short phrase whole.
    if np.len() == 1 && !article && words.len() <= 6 {
        return Some(subject.trim_end_matches(['.', ',', ';', ':']).to_owned());
    }
    let np = np.join(" ");
    Some(if article { format!("the {np}") } else { np })
}

/// The last proper name in the subject, not its first word: `Alpha Centauri`, `the Pacific`.
fn proper_of(subject: &str) -> Option<String> {
    let words: Vec<&str> = subject.split(' ').collect();
    let mut found = None;
    let mut i = 1;
    while i < words.len() {
        let cap = |w: &str| {
            w.chars().next().is_some_and(char::is_uppercase) && w != "I" && !w.contains('.')
        };
        if cap(words[i]) {
            let mut j = i;
            while j < words.len() && cap(words[j]) && j - i < 3 {
                j += 1;
            }
            let mut name = words[i..j]
                .join(" ")
                .trim_end_matches([',', '.', ';', ':', '!', '?'])
                .to_owned();
            if words[i - 1].eq_ignore_ascii_case("the") {
                name = format!("the {name}");
            }
            found = Some(name);
            i = j;
        } else {
            i += 1;
        }
    }
    found
}

/// Chooses one variant; variants with a `{proper}` slot only when there is a proper name.
fn pick<'a>(ctx: &Ctx, rng: &mut Rng, options: &[&'a str]) -> &'a str {
    let ok: Vec<&str> = options
        .iter()
        .copied()
        .filter(|o| ctx.proper.is_some() || !o.contains("{proper}"))
        .collect();
    let ok = if ok.is_empty() { options.to_vec() } else { ok };
    ok[rng.below(ok.len())]
}

/// Lines made of parts, one from each list, for pieces longer than the written lines last.
/// Each list is shuffled by the seed; the `k`-th line takes part `k mod len` of each list,
/// so a part comes back only after the rest of its list, and (the lists' lengths being
/// pairwise coprime) no two lines are the same until every combination has been used.
pub(super) struct Mix {
    parts: Vec<Vec<&'static str>>,
    k: usize,
}

impl Mix {
    pub fn new(rng: &mut Rng, parts: &[&[&'static str]]) -> Mix {
        let parts = parts
            .iter()
            .map(|p| {
                let mut p = p.to_vec();
                rng.shuffle(&mut p);
                p
            })
            .collect();
        Mix { parts, k: 0 }
    }

    /// The next combination's parts.
    pub fn next_parts(&mut self) -> Vec<&'static str> {
        let k = self.k;
        self.k += 1;
        self.parts.iter().map(|p| p[k % p.len()]).collect()
    }

    /// The next line, its parts joined by spaces and made by `make`, that `d` has not said.
    pub fn line(&mut self, d: &Draft, make: impl Fn(&str) -> String) -> String {
        let combos: usize = self.parts.iter().map(Vec::len).product();
        let mut line = String::new();
        for _ in 0..combos.max(1) {
            line = make(&self.next_parts().join(" "));
            if !d.said(&line) {
                break;
            }
        }
        line
    }
}

/// One question-and-answer topic of a conversation.
struct Facet {
    questions: &'static [&'static str],
    answers: &'static [&'static str],
    proper: bool,
}

const FACETS: &[Facet] = &[
    Facet {
        questions: &[
            "{addr}let's start with the basics. What exactly happened?",
            "For anyone just tuning in, what is this all about?",
        ],
        answers: &[
            "The short version is this: {summary}. It took years of work, and now it has finally come together.",
            "Put simply, {summary}. A lot of people said it could not be done.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What should people understand about {thing}?",
            "What makes {thing} different from anything that came before?",
        ],
        answers: &[
            "{as}I would say it is the care that went into it. Every part of {thing} was tested again and again.",
            "Mostly the scale of it. Nobody has tried anything quite like {thing} before.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What was the hardest part?",
            "What nearly went wrong along the way?",
        ],
        answers: &[
            "Honestly, the waiting. Each test raised new questions, and we had to answer every one of them before moving on.",
            "{as}I can tell you there were nights when we thought it was over. One small fault, found late, cost us months.",
        ],
        proper: false,
    },
    Facet {
        questions: &["And why {proper}?", "What does all this mean for {proper}?"],
        answers: &[
            "We looked at every option, and {proper} kept coming out on top. It is where we can learn the most.",
            "A great deal. {proper} has been part of this story from the very first day.",
        ],
        proper: true,
    },
    Facet {
        questions: &[
            "What surprised you most?",
            "Was there anything you did not expect?",
        ],
        answers: &[
            "How many people care. We expected a few specialists to follow {thing}, and instead we heard from schools, families and complete strangers.",
            "The speed of it all. Things we planned to take a year happened in a few weeks.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "Who made this possible?",
            "Tell us about the people behind {thing}.",
        ],
        answers: &[
            "A small team that refused to give up, and many more people who helped quietly, year after year.",
            "Specialists, volunteers, and families who put up with a lot of long nights. It is their work people are talking about today.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "Not everyone is convinced. What do you say to the critics?",
            "Some people say the money would be better spent elsewhere. Are they wrong?",
        ],
        answers: &[
            "Their questions are fair, and the results are public so that anyone can check them. Doubt is part of the work.",
            "I understand the worry. But what we learn from {thing} will be useful far beyond this one project.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What is the mood like {place} right now?",
            "Describe the scene {place} for us.",
        ],
        answers: &[
            "{image} And everyone here is talking about {thing}.",
            "Busy, and a little emotional. {image}",
        ],
        proper: false,
    },
    Facet {
        questions: &["What happens next?", "When will we know more?"],
        answers: &[
            "The next few months will tell us a lot. Every result will be shared as it comes in, the good and the bad.",
            "There is a long road ahead. The first real answers should come within the year.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What should our listeners take away from all this?",
            "If people remember one thing today, what should it be?",
        ],
        answers: &[
            "That big things start small. All of {thing} began as a question someone was brave enough to ask.",
            "That patience pays off. Keep asking questions, and keep an eye on {thing}, because this is only the beginning.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "How do you feel, now that the day has come?",
            "What does this mean to you personally?",
        ],
        answers: &[
            "Proud, and a little tired. I keep thinking of everyone who worked on {thing} and never got to see this day.",
            "It is hard to put into words. {as}I have spent a good part of my life on this.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "How long has this been in the making?",
            "Where did the idea come from?",
        ],
        answers: &[
            "Longer than any of us expected. Years of planning, and a few false starts, before anything worked.",
            "From a conversation over coffee, believe it or not. Someone asked what it would take, and nobody could stop thinking about it.",
        ],
        proper: false,
    },
];

const TOPIC_FACETS: &[Facet] = &[
    Facet {
        questions: &[
            "{addr}how did you first get into {thing}?",
            "So, {about}. Where do we even start?",
        ],
        answers: &[
            "By accident, honestly. One small experiment, and I was hooked. {as}I have never looked back.",
            "Start with why it matters. {about_cap} touches more of our lives than most people think.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What do most people get wrong about {thing}?",
            "What is the biggest myth about {thing}?",
        ],
        answers: &[
            "They think it is complicated. It is not. It takes patience and a bit of curiosity, that's all.",
            "That you need to be an expert. Some of the best ideas about {thing} come from complete beginners.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "If someone listening wants to start, what is the one thing they should know?",
            "What would you tell a complete beginner?",
        ],
        answers: &[
            "Start small. Learn one thing properly before you try ten.",
            "Ask the people who already do it. They are usually happy to share what they know.",
        ],
        proper: false,
    },
    Facet {
        questions: &["And why {proper}?", "What makes {proper} special?"],
        answers: &[
            "{proper} has something you cannot find anywhere else. Once you have seen it, you understand.",
            "The people. In {proper}, everyone seems to have an opinion about {thing}, and a story to go with it.",
        ],
        proper: true,
    },
    Facet {
        questions: &[
            "Is there a moment that sums it up for you?",
            "Tell us a story about {thing}.",
        ],
        answers: &[
            "There is one I always come back to: the first time it all worked, and I realised I had been overthinking it for years.",
            "A few years ago I got it completely wrong, in front of everyone. It was the best lesson I ever had.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What has changed in the last few years?",
            "Is {thing} different today from when you started?",
        ],
        answers: &[
            "Almost everything. There is more interest, better information, and many more people willing to share what they know.",
            "Very. What used to be a niche is now something people talk about over dinner.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What surprised you most?",
            "What still surprises you about {thing}?",
        ],
        answers: &[
            "How generous people are. Everyone I met wanted to help, and to pass on what they had learned.",
            "How much there is still to learn. Every time I think I understand {thing}, something new comes along.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What is it like {place} today?",
            "Describe where we are for the listeners.",
        ],
        answers: &[
            "{image} A good place to talk about {thing}.",
            "Lovely, really. {image}",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What is the most common mistake?",
            "What should people avoid?",
        ],
        answers: &[
            "Doing too much at once. Pick one thing, do it well, and build from there.",
            "Giving up too early. The first attempt is rarely the best one, and that is fine.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What do you hope listeners take away from this?",
            "If people remember one thing today, what should it be?",
        ],
        answers: &[
            "That {about} is for everyone. You do not need to be an expert to enjoy it.",
            "That curiosity is enough to begin. Everything else about {thing} can be learned along the way.",
        ],
        proper: false,
    },
    Facet {
        questions: &["What is next for you?", "Where do you see {thing} going?"],
        answers: &[
            "More of the same, I hope. There is always something new to learn about {thing}.",
            "Further than most people expect. We are only at the beginning.",
        ],
        proper: false,
    },
];

/// Reactions that open a follow-up question in a conversation.
const REACTIONS: &[&str] = &[
    "Right.",
    "That's fascinating.",
    "I did not know that.",
    "Good point.",
    "Interesting.",
    "Wow.",
];

/// Facet `i` of a conversation: the genre's own facets first, then the [`aspects`] that
/// long conversations turn to.
fn facet(ctx: &Ctx, i: usize) -> &'static Facet {
    let own = ctx.facets();
    own.get(i)
        .unwrap_or_else(|| &aspects::FACETS[i - own.len()])
}

/// The order of facets for a conversation of at most `n` questions: the basics first, then
/// the genre's facets in a seeded order, then the aspects, then round again with the other
/// wording of each. Shorter than `n` when every wording has been used: no line twice.
fn facet_order(ctx: &Ctx, rng: &mut Rng, n: usize) -> Vec<(usize, usize)> {
    let own = ctx.facets();
    let mut rest: Vec<usize> = (1..own.len())
        .filter(|&i| !own[i].proper || ctx.proper.is_some())
        .collect();
    rng.shuffle(&mut rest);
    let mut more: Vec<usize> = (own.len()..own.len() + aspects::FACETS.len()).collect();
    rng.shuffle(&mut more);
    let mut order = vec![0];
    order.extend(rest);
    order.extend(more);
    (0..n.min(2 * order.len()))
        .map(|k| (order[k % order.len()], k / order.len()))
        .collect()
}

fn as_prefix(p: &Person) -> String {
    match (&p.role, p.named) {
        (Some(r), _)
            if ["guest", "friend", "stranger", "customer", "caller"].contains(&r.as_str()) =>
        {
            String::new()
        }
        (Some(_), false) => format!("As the {}, ", p.title),
        _ => String::new(),
    }
}

/// Questions by the group's first, answered by the others in turn (in a podcast, everyone
/// asks in turn); `order` from [`facet_order`].
fn exchange(
    ctx: &Ctx,
    d: &mut Draft,
    group: &[usize],
    order: &[(usize, usize)],
    first_k: usize,
    reactions: bool,
) {
    let answerers: Vec<usize> = group[1..].to_vec();
    let reaction_offset = d.rng.below(REACTIONS.len());
    let mut askers: Vec<usize> = vec![group[0]];
    if ctx.genre == Genre::Podcast {
        askers = group.to_vec();
    }
    let mut previous_answerer = None;
    for (k, &(f, round)) in order.iter().enumerate() {
        let k = k + first_k;
        let facet = facet(ctx, f);
        let asker = askers[k % askers.len()];
        let others: Vec<usize> = if ctx.genre == Genre::Podcast {
            group.iter().copied().filter(|&i| i != asker).collect()
        } else {
            answerers.clone()
        };
        let answerer = others[k % others.len()];
        let a = &ctx.cast[answerer];
        let addr = match a.address() {
            Some(n) if k == 0 => format!("{n}, "),
            _ => String::new(),
        };
        // Each round takes the facet's next wording, so a second round never repeats the
        // first.
        let qi = (ctx.seed as usize + f + round) % facet.questions.len();
        let ai = (ctx.seed as usize + f + round) % facet.answers.len();
        let mut q = ctx.fill(facet.questions[qi], &[("addr", addr)]);
        // A reaction answers someone else's words, never the asker's own last answer.
        if reactions && k > 0 && previous_answerer != Some(asker) {
            // Never the same reaction twice in a row.
            let r = (k + reaction_offset) % REACTIONS.len();
            q = format!("{} {q}", REACTIONS[r]);
        }
        let ans = ctx.fill(facet.answers[ai], &[("as", as_prefix(a))]);
        d.say(&ctx.cast[asker].character, &q);
        d.say(&a.character, &ans);
        previous_answerer = Some(answerer);
    }
}

fn speeds(ctx: &Ctx) -> Vec<(String, f64)> {
    ctx.cast
        .iter()
        .map(|p| {
            // Casting varies each voice's pace by a few percent either way; the estimate
            // takes the voices' own.
            let s = if ctx.genre == Genre::Meditation {
                0.9
            } else {
                1.0
            };
            (p.character.clone(), s)
        })
        .collect()
}

/// Writes the piece with `units` units of body (questions, story beats, breathing cycles).
pub(crate) fn write(ctx: &Ctx, units: usize) -> Draft {
    let mut d = Draft::new(ctx.seed, units, speeds(ctx));
    match ctx.genre {
        Genre::News | Genre::Interview => news_or_interview(ctx, &mut d, units),
        Genre::Podcast => podcast(ctx, &mut d, units),
        Genre::Story => story(ctx, &mut d, units),
        Genre::Advert => advert(ctx, &mut d, units),
        Genre::Meditation => meditation(ctx, &mut d, units),
        Genre::Debate => debate::write(ctx, &mut d, units),
        Genre::Drama => drama::write(ctx, &mut d, units),
        Genre::Commentary => commentary::write(ctx, &mut d, units),
        Genre::Weather => weather::write(ctx, &mut d, units),
        Genre::Documentary => documentary::write(ctx, &mut d, units),
    }
    d
}

fn our(p: &Person) -> String {
    if p.named {
        p.title.clone()
    } else {
        format!("our {}", p.title)
    }
}

fn news_or_interview(ctx: &Ctx, d: &mut Draft, units: usize) {
    let news = ctx.genre == Genre::News;
    let segs = &ctx.segments;
    let talks = segs.iter().filter(|s| s.len() > 1).count().max(1);
    let opener = segs[0][0];
    let theme = ctx.music(&mut d.rng, "theme");
    for (si, seg) in segs.iter().enumerate() {
        let first = si == 0;
        let last = si + 1 == segs.len();
        let next_lead = segs.get(si + 1).map(|s| s[0]);
        let lead = &ctx.cast[seg[0]];
        let who = lead.character.clone();
        if first {
            d.begin("music", "theme", -28.0, theme);
            let at = d.rows.len() - 1;
            d.chapter_at(at, if news { "Headlines" } else { "Welcome" });
            if news {
                let hello = pick(
                    ctx,
                    &mut d.rng,
                    &[
                        "Good evening, and welcome to {show}.",
                        "This is {show}. Good evening.",
                        "Hello, and welcome to {show}.",
                    ],
                );
                let top = pick(
                    ctx,
                    &mut d.rng,
                    &[
                        "Our top story tonight: {headline}.",
                        "Tonight's main story: {headline}.",
                        "Breaking news tonight: {headline}.",
                    ],
                );
                d.say(&who, &ctx.fill(&format!("{hello} {top}"), &[]));
                let more = pick(
                    ctx,
                    &mut d.rng,
                    &[
                        "It is a moment many people thought they would never see. Here is what we know so far.",
                        "The news has spread quickly, and reactions are still coming in.",
                        "It is the story everyone is talking about, and we have the people closest to it.",
                    ],
                );
                d.say(&who, &ctx.fill(more, &[]));
                // What else the brief says happened, in the newsreader's words.
                for detail in ctx.details.iter().take(3) {
                    d.say(&who, &as_report(detail));
                }
            } else {
                let guests: Vec<String> = segs
                    .iter()
                    .find(|s| s.len() > 1)
                    .map(|s| s[1..].iter().map(|&i| ctx.cast[i].introduced()).collect())
                    .unwrap_or_default();
                let hello = pick(
                    ctx,
                    &mut d.rng,
                    &[
                        "Welcome to {show}. I'm your host.",
                        "Hello, and welcome to {show}.",
                    ],
                );
                let guest_line = if guests.len() == 1
                    && ctx
                        .cast
                        .iter()
                        .any(|p| p.introduced() == guests[0] && p.is_role(&["guest"]))
                {
                    "I have a very special guest with me today, and we are talking about {about}."
                        .to_owned()
                } else {
                    format!(
                        "My guest today is {}, and we are talking about {{about}}.",
                        join_and(&guests)
                    )
                };
                d.say(&who, &ctx.fill(&format!("{hello} {guest_line}"), &[]));
            }
            d.end("music", "theme");
        }
        if seg.len() > 1 {
            let guest = &ctx.cast[seg[1]];
            let at = d.rows.len();
            let handed = si > 0 && segs[si - 1][0] != seg[0];
            if handed || news {
                let hi = if handed {
                    pick(
                        ctx,
                        &mut d.rng,
                        &[
                            "Thank you. I'm {place}, and with me is {g}.",
                            "Thanks. I'm here {place} with {g}.",
                        ],
                    )
                } else {
                    pick(ctx, &mut d.rng, &["Joining me {place} is {g}."])
                };
                d.say(&who, &ctx.fill(hi, &[("g", guest.introduced())]));
            }
            if !news || guest.named {
                let reply = pick(
                    ctx,
                    &mut d.rng,
                    &[
                        "Thank you for having me.",
                        "It's a pleasure to be here.",
                        "Thanks. I have been looking forward to this.",
                    ],
                );
                d.say(&guest.character, reply);
            }
            d.begin("sfx", "ambience", -38.0, ctx.ambience());
            d.chapter_at(at, &capitalise(&format!("with {}", guest.the())));
            let n = (units / talks).max(1) + usize::from(si == 0 && !units.is_multiple_of(talks));
            let order = facet_order(ctx, &mut d.rng, n);
            exchange(ctx, d, seg, &order, 0, !news);
            if let Some(nl) = next_lead
                && nl != seg[0]
            {
                let back = pick(
                    ctx,
                    &mut d.rng,
                    &[
                        "{g}thank you. Back to you in the studio.",
                        "That's all from here {place}. Back to you in the studio.",
                    ],
                );
                let g = guest.address().map_or(String::new(), |n| format!("{n}, "));
                d.say(&who, &ctx.fill(back, &[("g", g)]));
            }
            d.end("sfx", "ambience");
        } else if !first && !last {
            // Someone alone in the middle: a short report.
            let report = pick(
                ctx,
                &mut d.rng,
                &[
                    "Thank you. The latest on {thing}: {headline}. People {place} are still taking it in.",
                    "Thanks. Here {place}, the talk is all about {thing}, and the questions keep coming.",
                ],
            );
            d.say(&who, &ctx.fill(report, &[]));
        }
        if last && si > 0 {
            let at = d.rows.len();
            if !news {
                if segs[si - 1].len() > 1 && segs[si - 1][0] == seg[0] {
                    let g = &ctx.cast[segs[si - 1][1]];
                    let name = g.address().map_or(String::new(), |n| format!("{n}, "));
                    d.say(&who, &format!("{name}thank you so much for joining us."));
                    d.say(&g.character, "Thank you. I really enjoyed it.");
                }
                let bye = pick(
                    ctx,
                    &mut d.rng,
                    &[
                        "That's all for this edition of {show}. Until next time, goodbye.",
                        "Thank you for listening to {show}. See you next time.",
                    ],
                );
                d.say(&who, &ctx.fill(bye, &[]));
            } else {
                let recap = pick(
                    ctx,
                    &mut d.rng,
                    &[
                        "What a story. To recap: {headline}.",
                        "Once more, tonight's top story: {headline}.",
                        "A remarkable day. In short, {headline}, and we will follow every step.",
                    ],
                );
                let bye = pick(
                    ctx,
                    &mut d.rng,
                    &[
                        "That's all from {show}. Good night.",
                        "Thank you for listening to {show}. Good night.",
                        "From all of us at {show}, good night.",
                    ],
                );
                d.say(&who, &ctx.fill(&format!("{recap} {bye}"), &[]));
            }
            d.chapter_at(at, "Goodbye");
            d.clip("music", -26.0, &format!("{theme}, short ending sting"), 4.0);
        } else if let Some(nl) = next_lead
            && nl != seg[0]
            && seg.len() == 1
        {
            let to = &ctx.cast[nl];
            let hand = pick(
                ctx,
                &mut d.rng,
                &[
                    "{to_our} is {place} with the latest. Over to you.",
                    "For more, we go live to {to_our}, {place}.",
                ],
            );
            d.say(&who, &ctx.fill(hand, &[("to_our", our(to))]));
            d.clip("sfx", -26.0, "Transition swoosh", 1.2);
        }
        let _ = opener;
    }
}

/// A clause of the brief as a newsreader says it: "residents told to keep windows shut" →
/// "residents have been told to keep windows shut", "firefighters on scene" → "firefighters
/// are on scene", "turnout 34 percent" → "turnout was 34 percent".
fn as_report(clause: &str) -> String {
    let mut words: Vec<String> = clause.split_whitespace().map(str::to_owned).collect();
    if words.len() >= 2 {
        let plural = words[0].ends_with('s') && !words[0].ends_with("ss");
        let second = words[1].to_lowercase();
        let verb = if [
            "told",
            "asked",
            "urged",
            "advised",
            "ordered",
            "evacuated",
            "warned",
            "rescued",
            "injured",
            "arrested",
        ]
        .contains(&second.as_str())
        {
            Some(if plural { "have been" } else { "has been" })
        } else if ["on", "at", "in", "near", "outside", "inside", "still"]
            .contains(&second.as_str())
        {
            Some(if plural { "are" } else { "is" })
        } else if second.trim_end_matches('%').parse::<f64>().is_ok() {
            Some("was")
        } else {
            None
        };
        if let Some(v) = verb {
            words.insert(1, v.to_owned());
        }
    }
    words.join(" ")
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn self_name(p: &Person) -> String {
    match (p.named, p.role.as_deref()) {
        (true, _) => p.character.clone(),
        (false, Some("host")) => "your host".to_owned(),
        (false, Some("co-host")) => "your co-host".to_owned(),
        (false, Some("guest")) => "today's guest".to_owned(),
        _ => format!("the {}", p.title),
    }
}

fn podcast(ctx: &Ctx, d: &mut Draft, units: usize) {
    let group = &ctx.segments[0];
    let a = &ctx.cast[group[0]];
    let jingle = ctx.music(&mut d.rng, "intro");
    d.clip("music", -22.0, jingle, 6.0);
    d.chapter_at(0, "Welcome");
    let bed = ctx.music(&mut d.rng, "bed");
    d.begin("music", "bed", -36.0, bed);
    let hello = pick(
        ctx,
        &mut d.rng,
        &[
            "Hello and welcome back to {show}. I'm {me}.",
            "Hi everyone, and welcome to {show}. I'm {me}.",
        ],
    );
    d.say(&a.character, &ctx.fill(hello, &[("me", self_name(a))]));
    if let Some(place) = ctx.home_place() {
        d.say(
            &a.character,
            &format!("We're coming to you from {place} today."),
        );
    }
    for (k, &i) in group[1..].iter().enumerate() {
        let p = &ctx.cast[i];
        let line = if k == 0 {
            pick(
                ctx,
                &mut d.rng,
                &[
                    "And I'm {me}. Today we're talking about {about}.",
                    "And I'm {me}. This week, it's all about {about}.",
                ],
            )
        } else {
            "And I'm {me}. Happy to be here."
        };
        d.say(&p.character, &ctx.fill(line, &[("me", self_name(p))]));
    }
    let warm = pick(
        ctx,
        &mut d.rng,
        &[
            "I have been looking forward to this one. There is so much to say about {thing}.",
            "Honestly, I could talk about {thing} all day, so let's get into it.",
        ],
    );
    d.say(&a.character, &ctx.fill(warm, &[]));
    d.end("music", "bed");
    d.begin("sfx", "ambience", -40.0, ctx.ambience());
    let at = d.rows.len() - 1;
    d.chapter_at(at, &ctx.fill("{about_cap}", &[]));
    let order = facet_order(ctx, &mut d.rng, units.max(1));
    let n = order.len();
    let first = n.div_ceil(2);
    exchange(ctx, d, group, &order[..first], 0, true);
    talking_points(ctx, d, group);
    d.end("sfx", "ambience");
    if n > first {
        d.clip("sfx", -28.0, "Soft whoosh transition", 1.0);
        d.begin("sfx", "ambience", -40.0, ctx.ambience());
        exchange(ctx, d, group, &order[first..], first, true);
        d.end("sfx", "ambience");
    }
    // A long episode goes on with the listeners' questions and a quick-fire round once
    // every topic has been talked about.
    let extra = units.saturating_sub(n);
    if extra > 0 {
        // Listeners who share a first name with someone on the show would confuse.
        let questions: Vec<&(&str, &str, &str)> = aspects::LISTENER_QUESTIONS
            .iter()
            .filter(|(who, _, _)| {
                let first = who.split([',', ' ']).next().unwrap_or("");
                !ctx.cast
                    .iter()
                    .any(|p| p.title.split(' ').any(|w| w == first))
            })
            .collect();
        let asks = extra.min(questions.len());
        d.clip("sfx", -28.0, "Soft whoosh transition", 1.0);
        let at = d.rows.len();
        for (k, (who, q, ans)) in questions[..asks].iter().enumerate() {
            let asker = &ctx.cast[group[k % group.len()]];
            let answerer = &ctx.cast[group[(k + 1) % group.len()]];
            let lead = if k == 0 {
                "Time for your questions. The first comes from"
            } else {
                "Next, from"
            };
            d.say(
                &asker.character,
                &ctx.fill(&format!("{lead} {who}: {q}"), &[]),
            );
            d.say(&answerer.character, &ctx.fill(ans, &[]));
        }
        d.chapter_at(at + 1, "Your questions");
        let quick = (extra - asks).min(aspects::QUICK_FIRE.len());
        if quick > 0 {
            let at = d.rows.len();
            let asker = &ctx.cast[group[0]];
            let answerer = &ctx.cast[group[1]];
            d.say(
                &asker.character,
                "And now, our quick-fire round. No thinking allowed.",
            );
            for (q, ans) in &aspects::QUICK_FIRE[..quick] {
                d.say(&asker.character, &ctx.fill(q, &[]));
                d.say(&answerer.character, &ctx.fill(ans, &[]));
            }
            d.chapter_at(at, "Quick-fire round");
        }
    }
    let b = &ctx.cast[group[1]];
    let at = d.rows.len();
    let bye = pick(
        ctx,
        &mut d.rng,
        &[
            "That's our show for today. Thanks for listening to {show}.",
            "And that's all the time we have. Thank you for listening to {show}.",
        ],
    );
    d.say(&a.character, &ctx.fill(bye, &[]));
    let bye2 = pick(
        ctx,
        &mut d.rng,
        &["See you next time!", "Take care, everyone. Bye for now."],
    );
    d.say(&b.character, bye2);
    d.chapter_at(at, "Goodbye");
    d.clip("music", -24.0, jingle, 5.0);
}

/// Words that start an instruction to the writer, not a fact: "keep it casual", "cover
/// yellow fever".
const INSTRUCTIONS: &[&str] = &[
    "keep", "make", "include", "add", "cover", "mention", "explain", "describe", "use", "just",
    "maybe", "please", "try", "write", "give", "that", "and", "or", "etc",
];

/// The things a brief lists for a conversation to get to, as it words them: noun phrases
/// with an article or a possessive ("the failed loaves", "the starter they named Gerald"),
/// at most eight words, from its details and the parts of them after a dash.
fn points(ctx: &Ctx) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for d in &ctx.details {
        let d = d.replace(" \u{2013} ", " - ").replace(" \u{2014} ", " - ");
        // A long part may list several things: "the wet summer and what to do with a glut
        // of courgettes"; "... talk slugs" ends on the first of a list.
        let mut parts: Vec<String> = Vec::new();
        for part in d.split(" - ") {
            let part = part.trim().trim_end_matches(['?', '!', '.']);
            if part.split_whitespace().count() > 8 && part.contains(" and ") {
                parts.extend(part.split(" and ").map(str::to_owned));
            } else {
                parts.push(part.to_owned());
            }
        }
        for part in &parts {
            let part = part.trim();
            let talked = TALK_VERBS.iter().find_map(|v| {
                let (_, rest) = part.split_once(v)?;
                let n = rest.split_whitespace().count();
                ((1..=4).contains(&n) && rest.chars().all(|c| c.is_alphanumeric() || c == ' '))
                    .then_some(rest)
            });
            let part = talked.unwrap_or(part);
            let words: Vec<&str> = part.split_whitespace().collect();
            let first = words.first().map(|w| w.to_lowercase()).unwrap_or_default();
            // "what to do with a glut of courgettes", "how to keep bees" are things to
            // talk about too.
            let question = words
                .get(1)
                .is_some_and(|w| ["what", "how"].contains(&first.as_str()) && *w == "to");
            let noun_phrase = talked.is_some()
                || question
                || ["the", "a", "an", "their", "our", "his", "her", "my", "your"]
                    .contains(&first.as_str());
            // "a cooking show segment" says what the piece is, not what it talks about.
            let names_piece = words
                .last()
                .is_some_and(|w| super::brief::is_format_noun(&w.to_lowercase()));
            if noun_phrase
                && !names_piece
                && (2..=8).contains(&words.len())
                && !INSTRUCTIONS.contains(&first.as_str())
                && !part.to_lowercase().contains("sort of thing")
                && !out.iter().any(|p| p == part)
            {
                out.push(part.to_owned());
            }
        }
    }
    out.truncate(3);
    out
}

/// Verbs after which a clause names what a conversation gets to: "... talk slugs".
const TALK_VERBS: &[&str] = &[" talk ", " discuss ", " chat "];

/// One exchange about each of [`points`], the speakers taking turns to bring one up.
fn talking_points(ctx: &Ctx, d: &mut Draft, group: &[usize]) {
    const ASK: &[&str] = &[
        "Okay, I have to bring up {point}.",
        "We can't not talk about {point}.",
        "And then there's {point}.",
    ];
    const ANSWER: &[&str] = &[
        "Oh, {point}. Honestly, that deserves an episode of its own.",
        "Ha, {point}! I still think about that.",
        "Right, {point}. That one still makes me laugh.",
    ];
    for (k, point) in points(ctx).iter().enumerate() {
        let asker = &ctx.cast[group[k % group.len()]];
        let answerer = &ctx.cast[group[(k + 1) % group.len()]];
        let lower = lowercase_first(point);
        d.say(
            &asker.character,
            &ASK[k % ASK.len()].replace("{point}", &lower),
        );
        d.say(
            &answerer.character,
            &ANSWER[k % ANSWER.len()].replace("{point}", &lower),
        );
    }
}

/// `The failed loaves` → `the failed loaves` (a name keeps its capital: only an article or
/// possessive is lowered).
fn lowercase_first(s: &str) -> String {
    match s.split_once(' ') {
        Some((first, rest))
            if ["The", "A", "An", "Their", "Our", "His", "Her", "My", "Your"].contains(&first) =>
        {
            format!("{} {rest}", first.to_lowercase())
        }
        _ => s.to_owned(),
    }
}

const STORY_TIMES: &[&str] = &[
    "just after sunset",
    "on a cold grey morning",
    "late one night",
    "on an ordinary afternoon",
];

const OPENING_BEATS: &[&str] = &[
    "Nobody noticed it at first.",
    "{a} was the first to notice that something had changed.",
    "At first, everything seemed perfectly normal.",
];

const BEATS: &[&str] = &[
    "Something was not quite right.",
    "Then came a sound that nobody expected.",
    "For a long moment, nobody moved.",
    "The way ahead grew narrower, and the light began to fade.",
    "And then, all at once, everything changed.",
    "{a} pressed on, one careful step at a time.",
    "Far away, something answered.",
    "{a} stopped, and listened.",
    "It was not the end. Not yet.",
    "{a} thought about home, and how far away it seemed.",
    "The wind changed, and with it came a smell of something burning.",
    "Somewhere below, a door closed softly.",
    "{a} found the first clue without even looking for it.",
    "For the first time that night, there was a reason to hope.",
    "The silence afterwards was worse than the noise.",
    "{a} counted the steps back, just in case.",
];

/// Pairs of lines: the first character speaks, the second answers.
const STORY_LINES: &[(&str, &str)] = &[
    ("Did you hear that?", "I heard it. It came from over there."),
    (
        "Are you sure about this?",
        "No. But we have come too far to turn back now.",
    ),
    (
        "I never believed the old stories about this place.",
        "Believe them now. We are standing right in the middle of one.",
    ),
    (
        "What do we do now?",
        "We wait for the right moment, and then we move.",
    ),
    ("Stay close to me.", "I'm right behind you."),
    ("I'm scared.", "So am I. That's what makes it brave."),
    (
        "Look at this place.",
        "I know. It is nothing like I imagined.",
    ),
    (
        "Do you think anyone else knows?",
        "If they do, they are keeping it to themselves.",
    ),
    (
        "Wait. Something is moving.",
        "Don't breathe. Don't make a sound.",
    ),
    (
        "How long have we been walking?",
        "Long enough that I've stopped counting.",
    ),
    ("Look, over there. A light.", "Then someone is still awake."),
    (
        "Promise me we'll go back if it gets worse.",
        "I promise. Now keep moving.",
    ),
    (
        "Have you ever seen anything like it?",
        "Never. And I'm not sure I want to again.",
    ),
];

/// For a long story, once the written beats are told: when (11) and what happens (13),
/// `{a}` the character it happens to.
const LATER: &[&str] = &[
    "A little later,",
    "Before long,",
    "Just then,",
    "Without any warning,",
    "After a while,",
    "In the grey light,",
    "Some time afterwards,",
    "All of a sudden,",
    "Slowly, very slowly,",
    "Not long after that,",
    "For a moment,",
];
const HAPPENINGS: &[&str] = &[
    "{a} noticed a narrow path that had not been there before.",
    "the air grew still, as if the whole world was waiting.",
    "{a} found a set of footprints, small and fresh.",
    "a light flickered on, far off, and then went out again.",
    "{a} remembered something an old friend had once said.",
    "the ground began to slope downwards, towards the water.",
    "{a} heard a voice, faint and very far away.",
    "a bird called out, sharp and sudden, and was answered.",
    "{a} stopped to catch a breath, and looked back the way they had come.",
    "the shadows seemed to shift and settle again.",
    "{a} spotted something glinting in the grass.",
    "the path split in two, and neither way looked safe.",
    "{a} felt certain, suddenly, that they were getting close.",
];
/// A long story's talk, once the written pairs are said: a remark (13) and a reply that
/// fits any of them (15).
const REMARKS: &[&str] = &[
    "We should rest here for a minute.",
    "I keep thinking about what we saw back there.",
    "Something about this place feels familiar.",
    "I think we're being watched.",
    "If we keep going, there's no turning back.",
    "I wish we'd told someone where we were going.",
    "It's colder here. Much colder.",
    "There's something written here. Look.",
    "I think this is what we came to find.",
    "I can't tell which way we came in.",
    "Everything looks different in this light.",
    "Do you still have the map?",
    "I've got a strange feeling about this.",
];
/// How a remark (9) starts and a reply (11) ends, so that no line of talk is said twice.
pub(super) const LEAD_INS: &[&str] = &[
    "Wait.",
    "Listen.",
    "Hey.",
    "Look,",
    "Honestly,",
    "Hold on.",
    "Here's the thing.",
    "Okay.",
    "Right.",
];
pub(super) const TAILS: &[&str] = &[
    "",
    "Come on.",
    "Please.",
    "I mean it.",
    "Trust me.",
    "Honestly.",
    "Believe me.",
    "Okay?",
    "Listen to me.",
    "Think about it.",
    "Really.",
];
const REPLIES: &[&str] = &[
    "I was thinking the same thing.",
    "Then we'd better be quick about it.",
    "Keep your voice down.",
    "Maybe. Let's keep moving anyway.",
    "I know. I feel it too.",
    "Whatever happens, I'm with you.",
    "One thing at a time.",
    "Try not to think about it.",
    "We've come this far, haven't we?",
    "Then let's be careful.",
    "Quiet. Listen first.",
    "You might be right.",
    "Not now. Later, when we're safe.",
    "Stay close, and don't let go.",
    "I'd rather not find out.",
];

/// `Look, It's cold` → `Look, it's cold`: a part after a comma goes on the sentence.
pub(super) fn lowercase_after_comma(line: &str) -> String {
    match line.split_once(", ") {
        Some((head, rest)) if !head.contains(' ') || head.ends_with(',') => {
            let mut c = rest.chars();
            let first = c.next().map(|f| {
                if rest.starts_with("I ") || rest.starts_with("I'") {
                    f.to_string()
                } else {
                    f.to_lowercase().to_string()
                }
            });
            format!("{head}, {}{}", first.unwrap_or_default(), c.as_str())
        }
        _ => line.to_owned(),
    }
}

fn story(ctx: &Ctx, d: &mut Draft, units: usize) {
    let narrator = ctx.cast[0].character.clone();
    let chars: Vec<&Person> = ctx.segments[1].iter().map(|&i| &ctx.cast[i]).collect();
    let music = ctx.music(&mut d.rng, "theme");
    d.begin("music", "open", -30.0, music);
    let open = pick(
        ctx,
        &mut d.rng,
        &[
            "This is the story of {about}.",
            "Listen closely. This is the story of {about}.",
        ],
    );
    d.say(&narrator, &ctx.fill(open, &[]));
    let when = STORY_TIMES[d.rng.below(STORY_TIMES.len())];
    d.say(
        &narrator,
        &ctx.fill(&format!("It begins {{place}}, {when}. {{image}}"), &[]),
    );
    if let Some(p) = &ctx.premise {
        d.say(&narrator, p);
    }
    d.end("music", "open");
    d.begin("sfx", "ambience", -36.0, ctx.ambience());
    let mut lines: Vec<usize> = (0..STORY_LINES.len()).collect();
    d.rng.shuffle(&mut lines);
    let mut beats: Vec<usize> = (0..BEATS.len()).collect();
    d.rng.shuffle(&mut beats);
    let name = |p: &Person| capitalise(&p.the());
    // Each beat and each exchange once; a longer story goes on with beats and talk made
    // of parts, and a musical break between its chapters.
    let written = BEATS.len().min(STORY_LINES.len());
    let total = units.max(1);
    let units = total.min(written);
    let mut later = Mix::new(&mut d.rng, &[LATER, HAPPENINGS]);
    let mut remarks = Mix::new(&mut d.rng, &[LEAD_INS, REMARKS]);
    let mut replies = Mix::new(&mut d.rng, &[REPLIES, TAILS]);
    for u in 0..total {
        if u >= written {
            let a = chars[u % chars.len().max(1)];
            let b = chars.get((u + 1) % chars.len().max(1)).copied();
            let a_name = a.the();
            let beat = later.line(d, |l| ctx.fill(l, &[("a", a_name.clone())]));
            d.say(&narrator, &beat);
            // Every other part is told, not talked, so the talk does not wear thin.
            if let Some(b) = b.filter(|b| b.character != a.character && u % 2 == 0) {
                let remark = remarks.line(d, lowercase_after_comma);
                d.say(&a.character, &remark);
                let reply = replies.line(d, str::to_owned);
                d.say(&b.character, &reply);
            } else {
                let more = later.line(d, |l| ctx.fill(l, &[("a", a_name.clone())]));
                d.say(&narrator, &more);
            }
            if (u - written) % 14 == 13 {
                d.end("sfx", "ambience");
                d.clip("music", -28.0, music, 4.0);
                d.begin("sfx", "ambience", -36.0, ctx.ambience());
            }
            continue;
        }
        let a = chars.get(u % chars.len().max(1)).copied();
        let b = chars.get((u + 1) % chars.len().max(1)).copied();
        let beat = if u == 0 {
            OPENING_BEATS[d.rng.below(OPENING_BEATS.len())]
        } else {
            BEATS[beats[u % beats.len()]]
        };
        let a_name = a.map_or("Nobody".to_owned(), name);
        let beat = if a.is_none() && beat.contains("{a}") {
            "The night held its breath."
        } else {
            beat
        };
        d.say(&narrator, &ctx.fill(beat, &[("a", a_name)]));
        let (l1, l2) = STORY_LINES[lines[u % lines.len()]];
        if let Some(a) = a {
            d.say(&a.character, &ctx.fill(l1, &[]));
            match b {
                Some(b) if b.character != a.character => d.say(&b.character, &ctx.fill(l2, &[])),
                _ => {}
            }
        }
        if u + 1 == units.max(1) / 2 && units >= 4 {
            d.end("sfx", "ambience");
            d.clip("music", -28.0, music, 3.0);
            d.begin("sfx", "ambience", -36.0, ctx.ambience());
        }
    }
    d.end("sfx", "ambience");
    d.begin("music", "close", -30.0, music);
    let end = match ctx.kind {
        SubjectKind::Clause => pick(
            ctx,
            &mut d.rng,
            &[
                "And that is how {headline}.",
                "And so, in the end, {headline}.",
            ],
        ),
        SubjectKind::Noun => pick(
            ctx,
            &mut d.rng,
            &[
                "And that was the story of {about}.",
                "And so ends the story of {about}.",
            ],
        ),
    };
    d.say(&narrator, &ctx.fill(&format!("{end} The end."), &[]));
    d.end("music", "close");
}

const BENEFITS: &[&str] = &[
    "Made with care, and made to last.",
    "It fits right into your day, wherever you are.",
    "Thousands of people have already made the switch.",
    "It is simple, it is friendly, and it just works.",
    "Try {product} once, and you will wonder how you ever managed without it.",
    "No fuss, no waiting, just {product}.",
    "Because you deserve something better.",
    "Ask your friends. They already know.",
    "Designed for real life, and for real people.",
    "Ready when you are, every single day.",
    "Once you try {product}, there is no going back.",
    "Simple to start, and hard to put down.",
    "Good for you, and good for your wallet.",
    "Quality you can hear, see and feel.",
    "Try it once, and see for yourself.",
    "There has never been a better time to try {product}.",
];

fn advert(ctx: &Ctx, d: &mut Draft, units: usize) {
    let scene: Vec<&Person> = ctx.segments[0].iter().map(|&i| &ctx.cast[i]).collect();
    let announcer = ctx.cast[ctx.segments[1][0]].character.clone();
    let product = ctx.show.clone();
    let jingle = ctx.music(&mut d.rng, "jingle");
    // A spot of under 25 seconds (a station ident, a sting) has no time for a scene: the
    // announcer alone.
    let scene_fits = ctx.length_s.is_none_or(|s| s >= 25.0);
    if scene_fits {
        advert_scene(ctx, d, &scene, &product);
    }
    d.begin("music", "jingle", -30.0, jingle);
    let desc = ctx.subject.as_str();
    let intro = if let Some(rest) = ["that ", "which ", "who "]
        .iter()
        .find_map(|w| desc.strip_prefix(w))
    {
        format!("Introducing {product}. {product} {rest}.")
    } else if ["on ", "at ", "in "].iter().any(|w| desc.starts_with(w)) {
        // "Hilltop FM on 97.4": where to find it.
        format!("This is {product}, {desc}.")
    } else if desc != product && !desc.is_empty() && desc != "something new" {
        format!("Introducing {product}: {desc}.")
    } else {
        format!("Introducing {product}.")
    };
    advert_body(ctx, d, units, &announcer, &product, jingle, &intro);
}

/// The advert's scene: someone with a problem, a friend who knows the answer.
fn advert_scene(ctx: &Ctx, d: &mut Draft, scene: &[&Person], product: &str) {
    let product = product.to_owned();
    d.begin("sfx", "ambience", -38.0, ctx.ambience());
    let problem = pick(
        ctx,
        &mut d.rng,
        &[
            "Another long day, and nothing seems to go right.",
            "I need something better, and I need it today.",
            "I have tried everything. Nothing works.",
        ],
    );
    d.say(&scene[0].character, problem);
    let other = scene.get(1).unwrap_or(&scene[0]);
    let tip = pick(
        ctx,
        &mut d.rng,
        &[
            "Have you tried {product}?",
            "You should try {product}. Seriously.",
        ],
    );
    d.say(
        &other.character,
        &ctx.fill(tip, &[("product", product.clone())]),
    );
    d.say(
        &scene[0].character,
        &ctx.fill("{product}? Tell me more.", &[("product", product.clone())]),
    );
    d.end("sfx", "ambience");
}

/// The announcer's part: the introduction, the brief's facts, the claims and the tag.
fn advert_body(
    ctx: &Ctx,
    d: &mut Draft,
    units: usize,
    announcer: &str,
    product: &str,
    jingle: &str,
    intro: &str,
) {
    let product = product.to_owned();
    d.say(announcer, intro);
    // What the brief says of the product comes first, in its own words.
    for detail in ctx.details.iter().take(3) {
        d.say(announcer, detail);
    }
    let mut order: Vec<usize> = (0..BENEFITS.len()).collect();
    d.rng.shuffle(&mut order);
    // Each claim once.
    for u in 0..units.min(BENEFITS.len()) {
        let b = BENEFITS[order[u]];
        d.say(announcer, &ctx.fill(b, &[("product", product.clone())]));
    }
    let tag = pick(
        ctx,
        &mut d.rng,
        &[
            "{product}. Life, made better.",
            "{product}. Try it today.",
            "{product}. You will love it.",
        ],
    );
    d.say(announcer, &ctx.fill(tag, &[("product", product.clone())]));
    d.end("music", "jingle");
    d.clip(
        "music",
        -24.0,
        &format!("{jingle}, short ending sting"),
        2.5,
    );
}

const BREATHS: &[&str] = &[
    "Breathe in slowly through your nose, and count to four. Hold it gently, just for a moment. And breathe out through your mouth, letting everything go.",
    "Take a deep breath in, filling your chest and your belly. And slowly let it out.",
    "Breathe in calm. Breathe out tension. Let the breath find its own rhythm.",
    "Once more, a slow breath in. And a long, easy breath out.",
    "Breathe in, and feel the cool air at the tip of your nose. Breathe out, and feel it leave warm.",
    "Let the next breath be a little slower than the last.",
];

const BODY: &[&str] = &[
    "Notice your forehead, and let it soften.",
    "Let your jaw relax, and your tongue rest.",
    "Let your shoulders drop, away from your ears.",
    "Feel the weight of your hands, heavy and warm.",
    "Notice your chest rising and falling, all by itself.",
    "Let your belly be soft.",
    "Feel your legs, heavy and still.",
    "Notice your feet, and the ground beneath them.",
    "Let the muscles around your eyes soften, and your eyelids grow heavy.",
    "Let your arms rest, from the shoulders all the way down to the fingertips.",
    "Feel your back supported, and let it sink a little further down.",
    "Let your hips grow heavy, and your knees relax.",
    "Notice the backs of your hands, and let any tightness melt away.",
    "Feel your whole body now, from your head to your toes, resting and still.",
];

const DRIFT: &[&str] = &[
    "If a thought comes, notice it, and let it drift away like a cloud.",
    "There is nowhere you need to be, and nothing you need to do.",
    "With every breath out, you sink a little deeper.",
    "Let each sound around you come and go.",
    "Picture a calm, open sky, and let your thoughts float across it.",
    "You are safe here. You can let go.",
    "If your mind wanders, that's all right. Gently bring it back to the breath.",
    "Feel how quiet it has become, inside and out.",
    "Each moment a little softer, a little slower than the one before.",
    "Imagine a soft light, resting on you like a warm blanket.",
];

/// A slow count down, one number to a line, for the deep part of a long session.
const COUNT: &[&str] = &[
    "Now, let's count down slowly together, from ten. Ten, breathing out, and letting go.",
    "Nine, sinking a little deeper.",
    "Eight, heavier and heavier.",
    "Seven, calm and warm.",
    "Six, drifting down.",
    "Five, halfway, and deeper still.",
    "Four, everything soft.",
    "Three, nothing to do.",
    "Two, almost there.",
    "One. Resting completely.",
];

fn meditation(ctx: &Ctx, d: &mut Draft, units: usize) {
    d.gap = Some(1.2);
    let g = ctx.cast[0].character.clone();
    let music = ctx.music(&mut d.rng, "bed");
    d.clip("sfx", -30.0, "Soft meditation bell", 4.0);
    d.begin("music", "bed", -34.0, music);
    d.begin("sfx", "ambience", -38.0, ctx.ambience());
    let hello = pick(
        ctx,
        &mut d.rng,
        &[
            "Welcome. Find a comfortable position, and let your eyes gently close.",
            "Welcome to this guided meditation. Settle in, and let your eyes close.",
        ],
    );
    d.say(&g, hello);
    let purpose = match (ctx.cue, ctx.kind) {
        ("for", _) => "This meditation is for {headline}. Give yourself these few minutes.",
        (_, SubjectKind::Clause) => "Today, we will rest with this thought: {headline}.",
        _ => "Today, we will turn our attention to {about}.",
    };
    d.say(&g, &ctx.fill(purpose, &[]));
    d.say(&g, &ctx.fill("Imagine you are {place}. {image}", &[]));
    // The picture the brief paints, in its own words ("Rain on a tent in a pine forest").
    for picture in ctx
        .details
        .iter()
        .filter(|p| {
            let first = p.split(' ').next().unwrap_or("").to_lowercase();
            !INSTRUCTIONS.contains(&first.as_str())
                && !p.ends_with('?')
                && !p.contains(ctx.subject.as_str())
        })
        .take(2)
    {
        // "sound of rain on a tent": the picture is the rain.
        let lower = picture.to_lowercase();
        let bare = ["the sound of ", "the sounds of ", "sound of ", "sounds of "]
            .iter()
            .find(|lead| lower.starts_with(*lead))
            .and_then(|lead| picture.get(lead.len()..))
            .unwrap_or(picture);
        d.say(&g, bare);
    }
    // Breath, body and drift in turn, each line once; a longer session leaves longer
    // silences between them rather than saying anything twice.
    let off = d.rng.below(BODY.len());
    let mut queues: [Vec<&str>; 3] = [
        (0..BREATHS.len())
            .map(|i| BREATHS[(i + off) % BREATHS.len()])
            .collect(),
        (0..BODY.len())
            .map(|i| BODY[(i + off) % BODY.len()])
            .collect(),
        (0..DRIFT.len())
            .map(|i| DRIFT[(i + off) % DRIFT.len()])
            .collect(),
    ];
    let mut lines = Vec::new();
    let mut kind = 0;
    while lines.len() < units.max(1) && queues.iter().any(|q| !q.is_empty()) {
        if !queues[kind].is_empty() {
            lines.push(queues[kind].remove(0));
        }
        kind = (kind + 1) % 3;
    }
    // A long session counts down at its deepest point.
    if units > lines.len() + 4 {
        lines.extend(COUNT);
    }
    const LONGEST_SILENCE_S: f64 = 20.0;
    let silence = (1.2 + 0.5 * units.saturating_sub(lines.len()) as f64).min(LONGEST_SILENCE_S);
    for line in lines {
        d.say(&g, line);
        if silence > 1.2
            && let Some(row) = d.rows.last_mut()
        {
            row["gap"] = serde_json::json!((silence * 10.0).round() / 10.0);
        }
    }
    let sleep = ["sleep", "asleep", "bedtime", "insomnia"]
        .iter()
        .any(|w| ctx.brief.contains(w));
    if sleep {
        d.say(
            &g,
            "There is nothing left to do now. Let the next breath carry you a little deeper.",
        );
        d.say(
            &g,
            "Let yourself drift, warm and heavy, into a deep and restful sleep. Goodnight.",
        );
    } else {
        d.say(
            &g,
            "Slowly, bring your attention back to the room around you. Move your fingers and your toes.",
        );
        d.say(
            &g,
            "When you are ready, open your eyes. Thank you for taking this time for yourself.",
        );
    }
    d.end("sfx", "ambience");
    d.end("music", "bed");
    d.clip("sfx", -30.0, "Soft meditation bell", 4.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn things_and_proper_names() {
        assert_eq!(
            thing_of(
                "humans sent a light-speed probe to Alpha Centauri",
                SubjectKind::Clause
            )
            .as_deref(),
            Some("the light-speed probe")
        );
        assert_eq!(
            thing_of("a new bridge in Lisbon", SubjectKind::Noun).as_deref(),
            Some("the new bridge")
        );
        assert_eq!(
            thing_of("coral reefs in the Pacific", SubjectKind::Noun).as_deref(),
            Some("coral reefs")
        );
        assert_eq!(
            proper_of("humans sent a light-speed probe to Alpha Centauri").as_deref(),
            Some("Alpha Centauri")
        );
        assert_eq!(
            proper_of("coral reefs in the Pacific").as_deref(),
            Some("the Pacific")
        );
        assert_eq!(proper_of("growing tomatoes"), None);
    }
}
