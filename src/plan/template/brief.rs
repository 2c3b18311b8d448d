//! Reading a brief: its genre, subject, show name, the people in the order the brief names
//! them (and who talks with whom), the setting, the mood and a requested length.
//!
//! Plain word rules, no model: every rule looks at words and their order, so the same brief
//! always reads the same way.

use crate::script::Gender;

/// The kinds of piece the template planner writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Genre {
    News,
    Interview,
    Podcast,
    /// A moderator and two sides arguing a motion.
    Debate,
    /// A narrator tells it; the characters speak a few lines.
    Story,
    /// A scene played by its characters alone, no narrator.
    Drama,
    Advert,
    Meditation,
    /// Live sports commentary: play by play, one or two commentators.
    Commentary,
    /// A traffic and weather update read by one presenter.
    Weather,
    /// A narrator and the people who know the subject (true crime, history, explainers).
    Documentary,
}

impl Genre {
    pub const ALL: [Genre; 11] = [
        Genre::News,
        Genre::Interview,
        Genre::Podcast,
        Genre::Debate,
        Genre::Story,
        Genre::Drama,
        Genre::Advert,
        Genre::Meditation,
        Genre::Commentary,
        Genre::Weather,
        Genre::Documentary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Genre::News => "news",
            Genre::Interview => "interview",
            Genre::Podcast => "podcast",
            Genre::Debate => "debate",
            Genre::Story => "story",
            Genre::Drama => "drama",
            Genre::Advert => "advert",
            Genre::Meditation => "meditation",
            Genre::Commentary => "sports commentary",
            Genre::Weather => "traffic and weather",
            Genre::Documentary => "documentary",
        }
    }

    /// Words that name the format: the earliest one in the brief decides the genre.
    fn strong_words(self) -> &'static [&'static str] {
        match self {
            Genre::News => &[
                "news",
                "newscast",
                "bulletin",
                "headlines",
                "newsreader",
                "newsroom",
            ],
            Genre::Interview => &["interview", "interviews", "interviewing", "q&a"],
            Genre::Podcast => &[
                "podcast",
                "conversation",
                "talk show",
                "chat show",
                "discussion",
                "panel",
                "episode",
            ],
            Genre::Debate => &["debate", "debating", "for and against", "head to head"],
            Genre::Story => &["story", "tale", "fairy tale", "fable", "bedtime", "legend"],
            Genre::Drama => &[
                "audio drama",
                "drama",
                "radio play",
                "audio play",
                "sketch",
                "soap opera",
            ],
            Genre::Advert => &[
                "advert",
                "advertisement",
                "ad",
                "commercial",
                "promo",
                "jingle",
                "radio spot",
                "ident",
                "station ident",
            ],
            Genre::Meditation => &[
                "meditation",
                "meditate",
                "mindfulness",
                "relaxation exercise",
                "breathing exercise",
                "body scan",
            ],
            Genre::Commentary => &[
                "commentary",
                "commentating",
                "play-by-play",
                "play by play",
                "match report",
            ],
            Genre::Weather => &[
                "weather",
                "forecast",
                "traffic update",
                "traffic report",
                "traffic news",
                "travel update",
                "travel news",
                "shipping forecast",
            ],
            Genre::Documentary => &[
                "documentary",
                "explainer",
                "true crime",
                "docuseries",
                "feature",
            ],
        }
    }

    /// Hints, used only when no format word is there.
    fn weak_words(self) -> &'static [&'static str] {
        match self {
            Genre::News => &["anchor", "breaking", "reports", "reporter", "headline"],
            Genre::Interview => &["interviewer", "asks"],
            Genre::Podcast => &["hosts", "co-host", "chat", "talk"],
            Genre::Debate => &["versus", "vs", "moderator", "moderated", "motion"],
            Genre::Story => &[
                "narrator",
                "once upon",
                "adventure",
                "mystery",
                "dragon",
                "wizard",
            ],
            Genre::Drama => &[
                "argue",
                "argues",
                "arguing",
                "argument",
                "interrogates",
                "interrogation",
                "confronts",
                "quarrel",
                "detective",
                // Someone speaking to a group, in the moment: "the coach's half-time team
                // talk" (before the podcast's "talk").
                "team talk",
                "pep talk",
                "dressing room",
                "changing room",
                "locker room",
                // A scene set at a moment: "the night of the big storm".
                "scene",
                "the night of",
                "the night before",
                "the eve of",
                "the morning of",
                "the day of",
            ],
            Genre::Advert => &["buy", "sale", "product", "brand", "slogan", "sell"],
            Genre::Meditation => &[
                "relax",
                "relaxing",
                "breathe",
                "breathing",
                "mindful",
                "peaceful",
                "calming",
                "soothing",
                "unwind",
                "fall asleep",
            ],
            Genre::Commentary => &["commentator", "commentators", "kick-off", "final whistle"],
            Genre::Weather => &["traffic", "rain showers", "sunny spells", "temperatures"],
            Genre::Documentary => &["history of", "historian", "narrated"],
        }
    }
}

/// The setting: where the piece takes place, and the ambience that fits it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    /// A short name, e.g. `café`, `mission control`.
    pub name: &'static str,
    /// How a line says where someone is: `at the café`.
    pub place: &'static str,
    /// The sfx description of its ambience.
    pub ambience: &'static str,
    /// A sentence a narrator or guide can use to paint it.
    pub image: &'static str,
}

const SETTINGS: &[(&[&str], Setting)] = &[
    (
        &[
            "mission control",
            "control room",
            "launch site",
            "launch pad",
        ],
        Setting {
            name: "mission control",
            place: "at mission control",
            ambience: "Busy mission control office background noise",
            image: "Screens glow in the dark room, and every few seconds a console beeps.",
        },
    ),
    (
        &[
            "spaceship",
            "starship",
            "space station",
            "spacecraft",
            "rocket",
            "orbit",
        ],
        Setting {
            name: "spaceship",
            place: "on board the ship",
            ambience: "Spaceship engine hum",
            image: "The engines hum softly, and the stars drift past the window.",
        },
    ),
    (
        &["café", "cafe", "coffee shop", "coffeehouse", "bakery"],
        Setting {
            name: "café",
            place: "at the café",
            ambience: "Busy café ambience with cups and chatter",
            image: "Cups clink, the coffee machine hisses, and quiet voices fill the room.",
        },
    ),
    (
        &["forest", "woods", "woodland", "jungle"],
        Setting {
            name: "forest",
            place: "in the forest",
            ambience: "Forest ambience with birdsong",
            image: "Tall trees rise on every side, and birds call somewhere overhead.",
        },
    ),
    (
        &["beach", "seaside", "ocean", "sea", "shore", "lighthouse"],
        Setting {
            name: "beach",
            place: "on the beach",
            ambience: "Ocean waves on a beach",
            image: "Waves roll onto the sand and slide back again, slow and steady.",
        },
    ),
    (
        &[
            "harbour", "harbor", "docks", "dockers", "dockyard", "quay", "quayside", "port",
            "pier", "marina",
        ],
        Setting {
            name: "harbour",
            place: "at the harbour",
            ambience: "Harbour ambience with gulls, water and distant ship horns",
            image: "Gulls wheel over the water, and ropes creak against the quay.",
        },
    ),
    (
        &["thunderstorm", "storm", "thunder"],
        Setting {
            name: "storm",
            place: "out in the storm",
            ambience: "Storm with heavy rain and wind",
            image: "Thunder rolls across the sky, and the rain comes down hard.",
        },
    ),
    (
        &["rain", "rainy", "raining"],
        Setting {
            name: "rain",
            place: "out in the rain",
            ambience: "Steady rain",
            image: "Rain patters on the roof and runs along the windows.",
        },
    ),
    (
        &["city", "street", "downtown", "traffic", "town square"],
        Setting {
            name: "city street",
            place: "on a busy city street",
            ambience: "City street traffic ambience",
            image: "Cars pass, footsteps hurry along the pavement, and the city never stops.",
        },
    ),
    (
        &[
            "restaurant",
            "restaurants",
            "diner",
            "bistro",
            "brasserie",
            "canteen",
            "busy kitchen",
        ],
        Setting {
            name: "restaurant",
            place: "in the restaurant",
            ambience: "Chatter of a busy restaurant",
            image: "Pans clatter in the kitchen, and orders are called over the noise.",
        },
    ),
    (
        &[
            "evacuation centre",
            "evacuation center",
            "shelter",
            "relief centre",
            "relief center",
            "community centre",
            "community center",
            "village hall",
            "town hall",
            "sports hall",
            "church hall",
        ],
        Setting {
            name: "hall",
            place: "among the crowd",
            ambience: "Murmur of a crowd in a large hall",
            image: "Voices murmur all around, and people wait in small groups.",
        },
    ),
    (
        &["office", "newsroom", "workplace", "headquarters"],
        Setting {
            name: "office",
            place: "at the office",
            ambience: "Busy office background noise",
            image: "Phones ring, keyboards clatter, and people hurry between desks.",
        },
    ),
    (
        &["river", "rivers", "stream", "streams", "creek", "waterfall"],
        Setting {
            name: "stream",
            place: "by the stream",
            ambience: "Gentle stream flowing over stones",
            image: "Clear water runs over smooth stones, never in a hurry.",
        },
    ),
    (
        &["lake", "lakes", "loch", "lochs", "lakeside", "lagoon"],
        Setting {
            name: "lake",
            place: "by the lake",
            ambience: "Water lapping gently at a lake shore, distant birdsong",
            image: "Still water stretches away to the far shore, and small waves lap at your feet.",
        },
    ),
    (
        &["campfire", "fireplace", "fireside", "cabin"],
        Setting {
            name: "fireside",
            place: "by the fire",
            ambience: "Crackling fireplace",
            image: "The fire crackles, and warm light flickers on the walls.",
        },
    ),
    (
        &["night", "countryside", "meadow", "farm", "garden", "field"],
        Setting {
            name: "countryside at night",
            place: "out in the countryside",
            ambience: "Crickets at night in the countryside",
            image: "Crickets sing in the long grass, and the sky is full of stars.",
        },
    ),
    (
        &[
            "stadium",
            "arena",
            "racecourse",
            "cup final",
            "grandstand",
            "terraces",
        ],
        Setting {
            name: "stadium",
            place: "here at the ground",
            ambience: "Stadium crowd cheering",
            image: "The stands are full, and the noise hardly stops.",
        },
    ),
    (
        &["studio"],
        Setting {
            name: "studio",
            place: "in the studio",
            ambience: "Quiet room tone",
            image: "The studio is quiet, and the microphones are ready.",
        },
    ),
];

/// Settings by name, for the genre defaults.
pub fn setting_named(name: &str) -> Setting {
    SETTINGS
        .iter()
        .map(|(_, s)| *s)
        .find(|s| s.name == name)
        .unwrap_or(SETTINGS[0].1)
}

/// Words about space travel: a news or interview brief on them is set at mission control.
const SPACE_WORDS: &[&str] = &[
    "probe",
    "rocket",
    "spacecraft",
    "astronaut",
    "astronauts",
    "satellite",
    "launch",
    "launched",
    "mars",
    "moon",
    "orbit",
    "planet",
    "space",
];

/// A sound the brief names: heard all through (rain, a crowd) or once (a knock, an alarm).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NamedSound {
    /// A word any description of this sound contains (`rain`): a sound the plan already
    /// has is not planned twice.
    pub key: &'static str,
    /// The sound-effect row's description.
    pub description: &'static str,
    /// Heard all through, as a background; otherwise one foreground event.
    pub ambience: bool,
}

const fn heard_throughout(key: &'static str, description: &'static str) -> NamedSound {
    NamedSound {
        key,
        description,
        ambience: true,
    }
}

const fn heard_once(key: &'static str, description: &'static str) -> NamedSound {
    NamedSound {
        key,
        description,
        ambience: false,
    }
}

/// Words for sounds, and the sound each names. The first words of the brief that name a
/// sound win; each sound is planned once.
const SOUNDS: &[(&[&str], NamedSound)] = &[
    (
        &["thunderstorm", "thunder", "stormy", "storm"],
        heard_throughout("thunder", "Storm with thunder and rain"),
    ),
    (
        &[
            "rain",
            "raining",
            "rainy",
            "downpour",
            "drizzle",
            "flood",
            "floods",
            "flooding",
            // "it's absolutely pouring", "tipping it down"
            "it's pouring",
            "absolutely pouring",
            "pouring down",
            "pouring rain",
            "pouring with rain",
            "bucketing",
            "tipping down",
            "tipping it down",
            "lashing down",
            "chucking it down",
        ],
        heard_throughout("rain", "Steady rain falling"),
    ),
    (
        &[
            "wind",
            "windy",
            "gale",
            "gales",
            "blizzard",
            "gusts",
            "hiker",
            "hikers",
            "hills",
            "mountains",
            "moor",
            "cliff",
            "cliffs",
        ],
        heard_throughout("wind", "Wind gusting"),
    ),
    (
        &[
            "waves",
            "ocean",
            "surf",
            "seaside",
            "beach",
            "shore",
            "lighthouse",
        ],
        heard_throughout("waves", "Waves breaking on the shore"),
    ),
    (
        &[
            "crowd",
            "crowds",
            "fans",
            "stadium",
            "spectators",
            "audience",
            "football",
            "match",
            "tennis",
            "racing",
            "race",
            "concert",
        ],
        heard_throughout("crowd", "Stadium crowd cheering"),
    ),
    (
        &[
            "protest",
            "protests",
            "protesters",
            "protestors",
            "rally",
            "demonstration",
            "demonstrators",
            "picket",
            "picket line",
            "on strike",
            "walkout",
            "walked out",
            "walk out",
        ],
        heard_throughout("chant", "Crowd of protesters chanting"),
    ),
    (
        &[
            "traffic",
            "ring road",
            "motorway",
            "rush hour",
            "road",
            "roads",
            "street",
        ],
        heard_throughout("traffic", "City traffic passing"),
    ),
    (
        &[
            "fire",
            "fireplace",
            "campfire",
            "flames",
            "crackling fire",
            "crackling",
            "wildfire",
            "wildfires",
            "bushfire",
            "bushfires",
            "forest fire",
            "blaze",
        ],
        heard_throughout("fire", "Crackling fire"),
    ),
    (
        &["bees", "bee", "beekeeping", "beekeeper", "hive"],
        heard_throughout("bees", "Bees buzzing around a hive"),
    ),
    (
        &["birdsong", "birds", "birds singing", "dawn chorus"],
        heard_throughout("bird", "Birdsong in the morning"),
    ),
    (
        &["owl", "owls"],
        heard_throughout("owl", "Owl hooting at night"),
    ),
    (
        &["crickets"],
        heard_throughout("crickets", "Crickets at night"),
    ),
    (
        &[
            "train",
            "trains",
            "railway",
            "tube",
            "underground",
            "locomotive",
            "carriage",
        ],
        heard_throughout("train", "Train passing"),
    ),
    (
        &["clock", "ticking clock", "clock ticking"],
        heard_throughout("clock", "Clock ticking"),
    ),
    (
        &["engine running", "engine", "car", "driving"],
        heard_throughout("engine", "Car engine running"),
    ),
    (
        &["hum", "humming", "machinery", "spaceship", "ship"],
        heard_throughout("hum", "Low machine hum"),
    ),
    (
        &[
            "sizzling",
            "sizzle",
            "frying",
            "pan",
            "pans",
            "saucepan",
            "saucepans",
            "wok",
        ],
        heard_throughout("sizzl", "Sizzling frying pan"),
    ),
    (
        &["hooves", "galloping", "horse racing", "horses"],
        heard_throughout("gallop", "Horse hooves galloping"),
    ),
    (
        &["knocking", "knock", "knocks"],
        heard_once("knock", "Knocking on a wooden door"),
    ),
    (
        &["footsteps", "footstep", "steps upstairs"],
        heard_once("footsteps", "Footsteps on a wooden floor"),
    ),
    (
        &[
            "alarm",
            "alarms",
            "klaxon",
            "alarm goes off",
            "robbery",
            "heist",
            "burglary",
            "break-in",
        ],
        heard_once("alarm", "Alarm beeping"),
    ),
    (
        &[
            "siren",
            "sirens",
            "fire engine",
            "ambulance",
            "police car",
            "firefighters",
        ],
        heard_once("siren", "Sirens wailing"),
    ),
    (
        &["whistle", "referee", "football", "kick-off", "half-time"],
        heard_once("whistle", "Referee's whistle"),
    ),
    (
        &["sleigh bells", "sleigh bell", "jingle bells"],
        heard_once("sleigh", "Sleigh bells jingling"),
    ),
    (
        &[
            "doorbell",
            "door bell",
            "shop bell",
            "bakery",
            "shop",
            "café",
            "cafe",
            "store",
        ],
        heard_once("bell", "Shop bell"),
    ),
    (
        &["chopping", "chop", "dicing"],
        heard_once("chopping", "Chopping vegetables on a board"),
    ),
    (
        &["indicator", "indicator ticking"],
        heard_once("indicator", "Car indicator ticking"),
    ),
    (
        &[
            "creak",
            "creaking",
            "creaks",
            "ghost",
            "haunted",
            "abandoned",
            "old house",
        ],
        heard_once("creak", "Door creaking open"),
    ),
    (
        &[
            "applause",
            "applauding",
            "clapping",
            "ovation",
            "talent show",
            "talent contest",
            "talent competition",
            "recital",
            "curtain call",
        ],
        heard_once("applause", "Audience applause"),
    ),
    (
        &["gunshot", "gunshots", "shots"],
        heard_once("gunshot", "Gunshot"),
    ),
    (
        &["scream", "screams", "screaming"],
        heard_once("scream", "Scream"),
    ),
    (
        &["phone ringing", "phone rings", "ringing phone"],
        heard_once("phone", "Phone ringing"),
    ),
    (
        &["explosion", "blast"],
        heard_once("explosion", "Explosion"),
    ),
    (
        &["scooter", "skateboard", "sports car", "motorbike"],
        heard_once("whoosh", "Fast whoosh going past"),
    ),
    (
        &["neigh", "neighing", "neighs", "stable", "pony", "ponies"],
        heard_once("neigh", "Horse neighing"),
    ),
    (
        &["cow", "cows", "cattle", "farm", "farmyard", "dairy"],
        heard_throughout("cow", "Cows mooing on a farm"),
    ),
    (
        &["sheep", "lamb", "lambs", "flock"],
        heard_throughout("sheep", "Sheep bleating"),
    ),
    (
        &["goat", "goats", "billy goat", "nanny goat"],
        heard_once("goat", "Goat bleating"),
    ),
    (
        &["rooster", "cockerel", "chickens", "hens"],
        heard_once("rooster", "Rooster crowing"),
    ),
    (
        &[
            "seagull",
            "seagulls",
            "gulls",
            "harbour",
            "harbor",
            "pier",
            "fishing boat",
            "fishing boats",
            "dock",
            "docks",
            "dockers",
            "dockyard",
            "quay",
            "quayside",
            "port",
        ],
        heard_throughout("gull", "Seagulls calling over the harbour"),
    ),
    (
        &["wolf", "wolves", "howling", "howl", "howls"],
        heard_once("wolves", "Wolves howling in the distance"),
    ),
    (
        &["frog", "frogs", "pond", "swamp", "marsh"],
        heard_throughout("frog", "Frogs croaking"),
    ),
    (
        &["lion", "lions", "safari"],
        heard_once("lion", "Lion roaring"),
    ),
    (
        &["monkey", "monkeys", "jungle", "rainforest"],
        heard_throughout("monkey", "Monkeys chattering in the jungle"),
    ),
    (
        &["dog", "dogs", "barking", "barks", "puppy"],
        heard_once("dog", "Dog barking"),
    ),
    (
        &["cat", "cats", "meowing", "meows", "kitten"],
        heard_once("cat", "Cat meowing"),
    ),
    (
        &[
            "plane",
            "aeroplane",
            "airplane",
            "aircraft",
            "propeller",
            "cockpit",
            "flight",
        ],
        heard_throughout("plane", "Plane engine"),
    ),
    (
        &["jet", "jets", "airliner", "runway", "airport"],
        heard_once("jet", "Jet engine"),
    ),
    (
        &["helicopter", "helicopters", "chopper", "air ambulance"],
        heard_once("helicopter", "Helicopter rotor"),
    ),
    (
        &[
            "foghorn",
            "foghorns",
            "fog horn",
            "ship's horn",
            "ferry",
            "tugboat",
            "tug",
            "liner",
        ],
        heard_once("foghorn", "Foghorn sounding"),
    ),
    (
        &[
            "canal",
            "canals",
            "barge",
            "barges",
            "lock gates",
            "dredging",
        ],
        heard_throughout("water", "Water lapping against a canal bank"),
    ),
    (
        &["boat", "boats", "motorboat", "speedboat", "lifeboat"],
        heard_throughout("motorboat", "Motorboat engine"),
    ),
    (
        &[
            "horn",
            "horns",
            "honking",
            "honks",
            "hooting",
            "traffic jam",
        ],
        heard_once("honk", "Car horn honking"),
    ),
    (
        &["bicycle", "bike", "bikes", "cyclist", "cyclists", "cycling"],
        heard_once("bicycle", "Bicycle bell ringing"),
    ),
    (
        &[
            "static",
            "radio static",
            "walkie-talkie",
            "crackly radio",
            "radio crackles",
            // Someone calling over the radio: "radioing the coastguard", "a mayday".
            "radioing",
            "radioed",
            "radios",
            "radio call",
            "mayday",
            "vhf",
        ],
        heard_once("static", "Radio static crackling"),
    ),
    (
        &["tapping", "taps on", "tapped", "tap-tap"],
        heard_once("tap", "Faint tapping on stone"),
    ),
    (
        &["crackle", "crackles", "the crackle of"],
        heard_throughout("crackle", "Soft crackling and hissing"),
    ),
    (
        &["kettle", "cup of tea", "brew"],
        heard_once("kettle", "Kettle boiling"),
    ),
    (
        &["dishes", "washing up", "plates", "sink"],
        heard_once("dishes", "Dishes clattering in a sink"),
    ),
    (
        &["typing", "keyboard", "typewriter", "types"],
        heard_throughout("typing", "Typing on a keyboard"),
    ),
    (
        &["slam", "slams", "slammed", "slamming"],
        heard_once("slam", "Door slamming"),
    ),
    (
        &[
            "glass breaking",
            "smash",
            "smashes",
            "smashing",
            "shatter",
            "shatters",
            "broken window",
        ],
        heard_once("glass", "Glass smashing"),
    ),
    (
        &["till", "cash register", "checkout", "tills"],
        heard_once("register", "Cash register"),
    ),
    (
        &[
            "church bells",
            "church bell",
            "church",
            "wedding",
            "cathedral",
        ],
        heard_once("church", "Church bells ringing"),
    ),
    (
        &[
            "heartbeat",
            "heart pounding",
            "heart racing",
            "heart beating",
        ],
        heard_throughout("heartbeat", "Heartbeat"),
    ),
    (
        &["chainsaw", "lumberjack", "logging"],
        heard_once("chainsaw", "Chainsaw cutting wood"),
    ),
    (
        &[
            "jackhammer",
            "roadworks",
            "building site",
            "construction",
            "drilling",
        ],
        heard_throughout("drill", "Road drill"),
    ),
    (
        &["market", "bazaar", "market stall", "market stalls"],
        heard_throughout("market", "Busy market chatter"),
    ),
    (
        &["morse", "telegraph", "telegram"],
        heard_once("morse", "Morse code beeping"),
    ),
    (
        &["rocket", "rockets", "lift-off", "liftoff", "launch pad"],
        heard_once("rocket", "Rocket launch roar"),
    ),
    (
        &[
            "splash",
            "splashes",
            "splashing",
            "swimming",
            "dives",
            "pool",
        ],
        heard_once("splash", "Water splash"),
    ),
    (
        &["magic", "spell", "spells", "wand", "fairy", "fairies"],
        heard_once("magic", "Magic sparkle"),
    ),
    (
        &["camera", "cameras", "photographer", "snapshot"],
        heard_once("camera", "Camera shutter click"),
    ),
    (
        &[
            "text message",
            "notification",
            "notifications",
            "message arrives",
        ],
        heard_once("notification", "Phone notification chime"),
    ),
    (
        &["hail", "hailstorm", "hailstones"],
        heard_throughout("hail", "Hail on a roof"),
    ),
    (
        &["bus", "buses"],
        heard_once("bus pulling", "Bus pulling away"),
    ),
    (
        &["school bell", "school bells", "bell rings"],
        heard_once("school bell", "School bell ringing"),
    ),
    (
        &[
            "chimes",
            "chiming",
            "strikes midnight",
            "midnight",
            "grandfather clock",
            "big ben",
        ],
        heard_once("chim", "Clock chiming"),
    ),
    (
        &["wind chimes", "wind chime"],
        heard_once("wind chimes", "Wind chimes"),
    ),
    (
        &["tractor", "tractors"],
        heard_once("tractor", "Tractor engine"),
    ),
    (
        &["lawn mower", "lawnmower", "mowing"],
        heard_once("mower", "Lawn mower"),
    ),
    (
        &["vacuum", "hoover", "hoovering"],
        heard_once("vacuum", "Vacuum cleaner"),
    ),
    (&["microwave"], heard_once("microwave", "Microwave beeping")),
    (
        &["keys", "jingling keys"],
        heard_once("keys", "Keys jingling"),
    ),
    (
        &["coins", "coin", "piggy bank"],
        heard_once("coins", "Coins clinking"),
    ),
    (
        &[
            "pages",
            "page turning",
            "turns the page",
            "turning pages",
            "library",
        ],
        heard_once("pages", "Pages turning"),
    ),
    (
        &["baby", "babies", "newborn"],
        heard_once("baby", "Baby crying"),
    ),
    (
        &["laughter", "laughing", "laughs"],
        heard_once("laughter", "Audience laughter"),
    ),
    (
        &["fireworks", "firework", "bonfire night"],
        heard_once("fireworks", "Fireworks exploding"),
    ),
];

/// The tone of the piece.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mood {
    Dramatic,
    Calm,
    Upbeat,
    Eerie,
    Tense,
    Sad,
    Funny,
    Epic,
    Warm,
}

const MOODS: &[(&[&str], Mood)] = &[
    (
        &[
            "dramatic",
            "serious",
            "urgent",
            "breaking",
            "debate",
            "argue",
            "argues",
            "versus",
            // Words to lift a team: "the coach's pep talk".
            "pep talk",
            "team talk",
            "rousing",
            "stirring",
            "motivational",
        ],
        Mood::Dramatic,
    ),
    (
        &[
            "calm",
            "gentle",
            "soothing",
            "peaceful",
            "relaxing",
            "soft",
            "sleepy",
            "sleep",
            "bedtime",
            "relaxation",
            "meditation",
        ],
        Mood::Calm,
    ),
    (
        &[
            "upbeat",
            "cheerful",
            "happy",
            "fun",
            "energetic",
            "lively",
            "bright",
            "playful",
        ],
        Mood::Upbeat,
    ),
    (
        &[
            "eerie", "spooky", "creepy", "haunted", "ghostly", "scary", "horror", "ghost", "ghosts",
        ],
        Mood::Eerie,
    ),
    (
        &[
            "tense",
            "suspense",
            "suspenseful",
            "thriller",
            "mysterious",
            "mystery",
            "crime",
            "robbery",
            "heist",
            "murder",
            "detective",
            "missing",
            "suspect",
            "interrogates",
        ],
        Mood::Tense,
    ),
    (
        &[
            "sad",
            "melancholy",
            "bittersweet",
            "tragic",
            "grief",
            "loss",
            "war",
            "trench",
            "trenches",
            "soldiers",
            "funeral",
            "remembrance",
        ],
        Mood::Sad,
    ),
    (
        &["funny", "comic", "comedy", "silly", "humorous"],
        Mood::Funny,
    ),
    (&["epic", "heroic", "grand", "triumphant"], Mood::Epic),
    (
        &["warm", "cosy", "cozy", "friendly", "heartwarming"],
        Mood::Warm,
    ),
];

impl Mood {
    pub fn as_str(self) -> &'static str {
        match self {
            Mood::Dramatic => "dramatic",
            Mood::Calm => "calm",
            Mood::Upbeat => "upbeat",
            Mood::Eerie => "eerie",
            Mood::Tense => "tense",
            Mood::Sad => "sad",
            Mood::Funny => "funny",
            Mood::Epic => "epic",
            Mood::Warm => "warm",
        }
    }
}

/// Whether the subject reads as a clause ("humans sent a probe") or a noun phrase ("a new
/// bridge in Lisbon"): the lines around it differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubjectKind {
    Clause,
    Noun,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Subject {
    /// As the brief words it, first letter as written (a proper noun keeps its capital).
    pub text: String,
    pub kind: SubjectKind,
    /// The words that led to it: `about`, `for`, `reports that`, `:`.
    pub cue: &'static str,
}

/// Someone the brief names: by role, by name, or both.
#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    /// The character column: `Anchor`, `Engineer`, `Dr. Okafor`, `Maya`.
    pub character: String,
    /// The role word, e.g. `engineer`.
    pub role: Option<String>,
    /// How a line names them in the third person, without an article: `chief engineer`,
    /// `Dr. Ada Okafor`.
    pub title: String,
    /// Whether `title` is a name (no article in front).
    pub named: bool,
    /// What the brief's words say of their gender ([`gender_of`]), for casting a voice.
    pub gender: Option<Gender>,
    /// The brief has them tell it ("read by a grandmother", "told by host Sarah").
    pub narrates: bool,
    /// What a named person does, as the brief says it: `marine biologist`, `ex-detective`.
    pub kind: Option<String>,
}

impl Person {
    pub fn role_person(role: &str) -> Person {
        Person {
            character: capitalise(role),
            role: Some(role.to_owned()),
            title: role.to_owned(),
            named: false,
            gender: role_gender(role),
            narrates: false,
            kind: None,
        }
    }

    /// How a host introduces them: `marine biologist Dr. Amara Okafor`, `the chief engineer`.
    pub fn introduced(&self) -> String {
        match &self.kind {
            Some(k)
                if self.named
                    && !["host", "co-host", "guest", "friend", "presenter", "anchor"]
                        .contains(&k.as_str()) =>
            {
                // "a night shift nurse at Leeds General Infirmary" reads after the name.
                if k.contains(" at ") || k.contains(" from ") || k.contains(" for ") {
                    let article = if k.starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    };
                    format!("{}, {article} {k}", self.title)
                } else {
                    format!("{k} {}", self.title)
                }
            }
            _ => self.the(),
        }
    }

    /// `the chief engineer` or `Dr. Ada Okafor`.
    pub fn the(&self) -> String {
        if self.named {
            self.title.clone()
        } else {
            format!("the {}", self.title)
        }
    }

    /// How others address them: `Dr. Okafor`, `Maya`; `None` for a bare role.
    pub fn address(&self) -> Option<String> {
        self.named.then(|| self.character.clone())
    }

    pub fn is_role(&self, roles: &[&str]) -> bool {
        self.role.as_deref().is_some_and(|r| roles.contains(&r))
    }
}

/// What a brief says.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    pub genre: Genre,
    pub subject: Option<Subject>,
    /// The show or product name, e.g. `Mars News`, `Luna Coffee`.
    pub show: Option<String>,
    /// Everyone named, once each, in the order of their first mention.
    pub people: Vec<Person>,
    /// The running order: groups of indexes into `people`; a group of two or more talk
    /// together (an interview, a conversation), one alone speaks alone.
    pub segments: Vec<Vec<usize>>,
    pub setting: Option<Setting>,
    pub mood: Option<Mood>,
    /// Descriptive words for the music: `science-fiction`, `jazz`, `children's`.
    pub flavour: Option<&'static str>,
    /// The requested length, seconds.
    pub length_s: Option<f64>,
    /// The sounds the brief names, in the order it names them.
    pub sounds: Vec<NamedSound>,
    /// Whether a word of the brief named the genre (else it is the closest guess).
    pub genre_said: bool,
    /// The people are introduced as guests ("a podcast about AI with Dr. Lee and Tom"), so
    /// someone hosts them.
    pub guests: bool,
    /// "a quick forecast", "a short story": shorter than the genre's usual length.
    pub short: bool,
    /// Proper names the brief gives that are not the speakers (places, teams, horses,
    /// organisations, roads), in order, each with the word before it (`at`, `between`).
    pub names: Vec<ProperName>,
    /// The brief's other facts, one clause each, as it words them ("heavy fog and an
    /// accident on the M60", "fresh sourdough every morning from 7am").
    pub details: Vec<String>,
    /// The whole brief, lower-cased, for rules that look for a word anywhere in it.
    pub lower: String,
    /// What happens to the people, as the brief says it: "a night security guard named
    /// Dennis hears footsteps upstairs". A story's narrator tells it.
    pub premise: Option<String>,
    /// The premise with the rest of its sentence, as the brief words it: "agent Klara
    /// Weiss meets her contact, Mr Oliveira, in a smoky cafe". A drama's narrator tells it.
    pub premise_sentence: Option<String>,
    /// Where it is set, as the brief words it: `in an abandoned Victorian hospital`.
    pub place: Option<String>,
    /// "a soft female voice", "a man's voice": the gender of the voice that leads.
    pub voice_gender: Option<Gender>,
    /// Roles the brief names as groups, not as one voice ("local farmers", "firefighters"),
    /// singular: someone of the group can be heard.
    pub groups: Vec<String>,
    /// The details that set a scene ("in a trench on christmas eve 1914"), for a drama's
    /// opening words.
    pub scene: Vec<String>,
}

/// A proper name in a brief, and the lowercase word before it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProperName {
    pub text: String,
    pub before: String,
}

/// A mood the brief asks for in so many words ("keep it funny", "make it properly creepy",
/// "nice and gentle"): it outranks a mood implied by what happens ("argue").
fn asked_mood(words: &[Word]) -> Option<Mood> {
    (2..words.len()).find_map(|k| {
        let (a, b) = (words[k - 2].lower.as_str(), words[k - 1].lower.as_str());
        let asks = (["keep", "make", "play"].contains(&a) && ["it", "this", "things"].contains(&b))
            || (a == "nice" && b == "and");
        if !asks {
            return None;
        }
        words[k..words.len().min(k + 2)].iter().find_map(|w| {
            MOODS
                .iter()
                .find(|(keys, _)| keys.contains(&w.lower.as_str()))
                .map(|(_, m)| *m)
        })
    })
}

/// Reads a brief.
pub fn analyse(text: &str) -> Analysis {
    let words = tokens(text);
    let lower = text.to_lowercase();
    let (genre, genre_said) = detect_genre(&words);
    let mentions = mentions(text, &words);
    // Groups, before the subject's own people are set aside: "what local farmers think".
    let groups: Vec<String> = mentions
        .iter()
        .filter(|m| m.plural && !m.named)
        .filter_map(|m| m.role.clone())
        .filter(|r| !["host", "commentator", "presenter"].contains(&r.as_str()))
        .fold(Vec::new(), |mut v, r| {
            if !v.contains(&r) {
                v.push(r);
            }
            v
        });
    let (subject, show) = subject_and_show(text, &words, genre, &mentions);
    let subject_span = subject
        .as_ref()
        .and_then(|s| text.find(&s.text).map(|i| i..i + s.text.len()));
    // Outside a story, a role inside the subject ("a podcast about a chef who ...") is what
    // the piece is about, not who speaks in it.
    let mentions: Vec<Mention> = mentions
        .into_iter()
        .filter(|m| {
            matches!(genre, Genre::Story | Genre::Drama)
                || m.named
                || !subject_span.as_ref().is_some_and(|s| s.contains(&m.start))
        })
        .collect();
    let (people, segments) = running_order(text, &mentions);
    let names = proper_names(text, &words, &mentions, &people);
    let details = details(text, subject.as_ref(), &mentions);
    let details_all = details.clone();
    let guests = mentions
        .first()
        .is_some_and(|m| text[..m.start].trim_end().to_lowercase().ends_with(" with"));
    // Names ("Orbit Bikes", "Mars News") do not set the scene; a word capitalised only
    // because it starts a sentence ("Rain on a tent.") does, unless a capitalised word
    // follows it (a name such as "Silver Storm").
    let plain: Vec<Word> = words
        .iter()
        .enumerate()
        .filter(|(i, w)| {
            let starts_sentence = *i == 0
                || text[words[i - 1].end..w.start].contains(['.', '!', '?'])
                    && !words
                        .get(i + 1)
                        .is_some_and(|n| n.raw.chars().next().is_some_and(char::is_uppercase));
            starts_sentence
                || !w.raw.chars().next().is_some_and(char::is_uppercase)
                || PLACE_NOUNS.contains(&w.lower.as_str())
        })
        .map(|(_, w)| w.clone())
        .collect();
    let setting = SETTINGS
        .iter()
        .filter_map(|(keys, s)| first_of(&plain, keys).map(|p| (p, *s)))
        .min_by_key(|(p, _)| *p)
        .map(|(_, s)| s)
        .or_else(|| {
            (matches!(genre, Genre::News | Genre::Interview | Genre::Podcast)
                && first_of(&plain, SPACE_WORDS).is_some())
            .then(|| setting_named("mission control"))
        });
    let mood = asked_mood(&words).or_else(|| {
        MOODS
            .iter()
            .filter_map(|(keys, m)| first_of(&words, keys).map(|p| (p, *m)))
            .min_by_key(|(p, _)| *p)
            .map(|(_, m)| m)
    });
    let flavour = [
        ("science-fiction", "science fiction"),
        ("science fiction", "science fiction"),
        ("sci-fi", "science fiction"),
        ("futuristic", "science fiction"),
        ("jazz", "jazz"),
        ("children", "children's"),
        ("kids", "children's"),
        ("bedtime", "children's"),
        ("country", "country"),
        ("retro", "synthwave"),
        ("fantasy", "fantasy"),
        ("medieval", "fantasy"),
        ("western", "country"),
        ("irish", "celtic"),
        ("scottish", "celtic"),
        ("rock", "rock"),
        ("tech", "electronic"),
        ("technology", "electronic"),
        ("ai", "electronic"),
        ("artificial intelligence", "electronic"),
        ("robots", "electronic"),
        ("startup", "electronic"),
        ("football", "sport"),
        ("commentary", "sport"),
        ("stadium", "sport"),
        ("tennis", "sport"),
        ("cricket", "sport"),
        ("racing", "sport"),
        ("sprinter", "sport"),
        ("olympic", "sport"),
        ("athletics", "sport"),
        ("cup final", "sport"),
        ("history", "documentary"),
        ("historian", "documentary"),
        ("documentary", "documentary"),
        ("explainer", "documentary"),
        ("traffic", "morning"),
        ("weather", "morning"),
        ("forecast", "morning"),
        ("cooking", "food"),
        ("chef", "food"),
        ("recipe", "food"),
    ]
    .iter()
    .filter_map(|(k, f)| find_phrase(&lower, k).map(|p| (p, *f)))
    .min_by_key(|(p, _)| *p)
    .map(|(_, f)| f);
    Analysis {
        genre,
        subject,
        show,
        people,
        segments,
        setting,
        mood,
        flavour,
        length_s: requested_length(text),
        sounds: named_sounds(&plain),
        genre_said,
        guests,
        short: first_of(&words, &["quick", "short", "brief"]).is_some(),
        names,
        details,
        lower: lower.clone(),
        premise: premise(text, &mentions),
        premise_sentence: premise_sentence(text, &mentions),
        place: place_phrase(text),
        groups,
        // "Lisbon, 1944." sets the scene before anything else.
        scene: dateline(text)
            .into_iter()
            .chain(scene(&details_all, &plain))
            .collect(),
        voice_gender: [
            "female voice",
            "woman's voice",
            "woman voice",
            "female narrator",
        ]
        .iter()
        .any(|p| lower.contains(p))
        .then_some(Gender::Female)
        .or_else(|| {
            ["male voice", "man's voice", "man voice", "male narrator"]
                .iter()
                .any(|p| lower.contains(p) && !lower.contains(&format!("fe{p}")))
                .then_some(Gender::Male)
        }),
    }
}

/// A word of the brief: its text (lowercase, edge punctuation removed) and byte range.
#[derive(Clone, Debug)]
struct Word {
    lower: String,
    raw: String,
    start: usize,
    end: usize,
}

fn tokens(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                let raw_full = &text[s..i];
                let lead = raw_full.len()
                    - raw_full
                        .trim_start_matches(|c: char| !c.is_alphanumeric())
                        .len();
                let trimmed = raw_full.trim_matches(|c: char| {
                    !c.is_alphanumeric() && c != '&' && c != '\'' && c != '.'
                });
                let trimmed = trimmed.trim_end_matches(['.', '\'']);
                let trimmed = trimmed.trim_start_matches('\'');
                if !trimmed.is_empty() {
                    out.push(Word {
                        lower: trimmed.to_lowercase(),
                        raw: trimmed.to_owned(),
                        start: s + lead,
                        end: s + lead + trimmed.len(),
                    });
                }
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    out
}

/// The index of the first word where one of `keys` (one or more words) starts.
fn first_of(words: &[Word], keys: &[&str]) -> Option<usize> {
    keys.iter()
        .filter_map(|k| {
            let parts: Vec<&str> = k.split(' ').collect();
            (0..words.len()).find(|&i| {
                parts.iter().enumerate().all(|(j, p)| {
                    words.get(i + j).is_some_and(|w| {
                        w.lower == *p
                            || (j + 1 == parts.len() && w.lower.strip_suffix("'s") == Some(p))
                    })
                })
            })
        })
        .min()
}

/// The sounds `words` name, in the order they name them, each once.
fn named_sounds(words: &[Word]) -> Vec<NamedSound> {
    let mut found: Vec<(usize, NamedSound)> = SOUNDS
        .iter()
        .filter_map(|(keys, sound)| first_of(words, keys).map(|p| (p, *sound)))
        .collect();
    found.sort_by_key(|(p, _)| *p);
    // A thunderstorm holds its rain.
    if found.iter().any(|(_, s)| s.key == "thunder") {
        found.retain(|(_, s)| s.key != "rain");
    }
    found.into_iter().map(|(_, s)| s).collect()
}

/// Byte position of `phrase` in `lower` at word boundaries.
fn find_phrase(lower: &str, phrase: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = lower[from..].find(phrase) {
        let at = from + i;
        let before = lower[..at].chars().next_back();
        let after = lower[at + phrase.len()..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return Some(at);
        }
        from = at + phrase.len();
    }
    None
}

/// The genre, and whether a word of the brief said it (else it is the closest guess).
fn detect_genre(words: &[Word]) -> (Genre, bool) {
    let earliest = |strong: bool| {
        Genre::ALL
            .iter()
            .filter_map(|g| {
                let keys = if strong {
                    g.strong_words()
                } else {
                    g.weak_words()
                };
                first_of(words, keys).map(|p| (p, *g))
            })
            .min_by_key(|(p, _)| *p)
            .map(|(_, g)| g)
    };
    match earliest(true)
        .or_else(|| earliest(false))
        .or_else(|| misspelt_genre(words))
    {
        Some(g) => (g, true),
        None => (Genre::Podcast, false),
    }
}

/// A format word typed with one slip ("interveiw", "podcats", "meditaton"): the genre of
/// the first such word. Only words of six letters or more, so that short words do not
/// match by chance; a five-letter format word only with one of its letters typed twice
/// ("storry", "dramma"), a slip that makes no other word.
fn misspelt_genre(words: &[Word]) -> Option<Genre> {
    words.iter().find_map(|w| {
        (w.lower.chars().count() >= 6)
            .then(|| {
                Genre::ALL.iter().copied().find(|g| {
                    g.strong_words().iter().any(|k| {
                        !k.contains(' ')
                            && ((k.len() >= 6 && one_slip(&w.lower, k))
                                || (k.len() == 5 && doubled_letter(&w.lower, k)))
                    })
                })
            })
            .flatten()
    })
}

/// Whether `typed` is `word` with one of its letters typed twice: "storry" for "story".
fn doubled_letter(typed: &str, word: &str) -> bool {
    let t: Vec<char> = typed.chars().collect();
    let w: Vec<char> = word.chars().collect();
    t.len() == w.len() + 1
        && (1..t.len()).any(|i| t[i] == t[i - 1] && t[..i] == w[..i] && t[i + 1..] == w[i..])
}

/// Whether `a` and `b` differ by one edit: a letter added, dropped, changed, or two
/// neighbours swapped.
fn one_slip(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let end = a[start..]
        .iter()
        .rev()
        .zip(b[start..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ra, rb) = (a.len() - start - end, b.len() - start - end);
    match (ra, rb) {
        (0, 1) | (1, 0) | (1, 1) => true,
        // A swap of neighbours: "ei" for "ie".
        (2, 2) => a[start] == b[start + 1] && a[start + 1] == b[start],
        _ => false,
    }
}

/// Role words the planner knows, as the brief may write them.
const ROLES: &[&str] = &[
    "anchor",
    "newsreader",
    "presenter",
    "host",
    "co-host",
    "cohost",
    "reporter",
    "correspondent",
    "journalist",
    "interviewer",
    "engineer",
    "scientist",
    "astronaut",
    "doctor",
    "professor",
    "expert",
    "researcher",
    "economist",
    "historian",
    "biologist",
    "physicist",
    "astronomer",
    "psychologist",
    "guest",
    "narrator",
    "detective",
    "captain",
    "pilot",
    "commander",
    "chef",
    "baker",
    "farmer",
    "teacher",
    "student",
    "mayor",
    "witness",
    "officer",
    "coach",
    "athlete",
    "author",
    "artist",
    "musician",
    "inventor",
    "founder",
    "announcer",
    "customer",
    "shopkeeper",
    "child",
    "girl",
    "boy",
    "mother",
    "father",
    "grandmother",
    "grandfather",
    "king",
    "queen",
    "prince",
    "princess",
    "knight",
    "robot",
    "alien",
    "ghost",
    "wizard",
    "witch",
    "dragon",
    "fox",
    "owl",
    "rabbit",
    "keeper",
    "sailor",
    "soldier",
    "spy",
    "stranger",
    "traveller",
    "traveler",
    "guide",
    "caller",
    "neighbour",
    "neighbor",
    "friend",
    "gardener",
    "driver",
    "villager",
    "mechanic",
    "lawyer",
    "judge",
    "designer",
    "developer",
    "programmer",
    "ranger",
    "commentator",
    "moderator",
    "chair",
    "forecaster",
    "guard",
    "candidate",
    "suspect",
    "victim",
    "passenger",
    "paramedic",
    "firefighter",
    "co-pilot",
    "copilot",
    "son",
    "daughter",
    "sister",
    "brother",
    "wife",
    "husband",
    "aunt",
    "uncle",
    "grandma",
    "grandpa",
    "granny",
    "mum",
    "mom",
    "dad",
    "teenager",
    "kid",
    "nurse",
    "vet",
    "hedgehog",
    "mouse",
    "bear",
    "cat",
    "dog",
    "squirrel",
    "badger",
    "duck",
    "frog",
    "tortoise",
    "hare",
    "reindeer",
    "elephant",
    "lion",
    "tiger",
    "penguin",
    "puppy",
    "kitten",
    "bunny",
    "unicorn",
    "troll",
    "pirate",
    "monster",
    "councillor",
    "boss",
    "senator",
    "minister",
    "sergeant",
    "constable",
    "sheriff",
    "android",
    "flatmate",
    "roommate",
    "colleague",
    "partner",
    "grandson",
    "granddaughter",
    "mate",
    "comedian",
    "commuter",
    "resident",
    "shopper",
    "protester",
    "voter",
    "fan",
    "worker",
    "parent",
    "pupil",
    "patient",
    "visitor",
    "tourist",
    "agent",
    "coastguard",
    "lifeguard",
    "operator",
    "dispatcher",
];

/// Titles that start a name: `Dr. Ada Okafor`.
const TITLES: &[(&str, &str)] = &[
    ("dr", "Dr."),
    ("doctor", "Dr."),
    ("professor", "Professor"),
    ("prof", "Professor"),
    ("captain", "Captain"),
    ("detective", "Detective"),
    ("inspector", "Inspector"),
    ("mr", "Mr."),
    ("mrs", "Mrs."),
    ("ms", "Ms."),
    ("miss", "Miss"),
    ("sir", "Sir"),
    ("chef", "Chef"),
    ("agent", "Agent"),
    ("mayor", "Mayor"),
    ("commander", "Commander"),
    ("coach", "Coach"),
    ("councillor", "Councillor"),
    ("senator", "Senator"),
    ("minister", "Minister"),
    ("sergeant", "Sergeant"),
    ("constable", "Constable"),
    ("sheriff", "Sheriff"),
    ("reverend", "Reverend"),
    ("judge", "Judge"),
    ("nurse", "Nurse"),
    ("officer", "Officer"),
];

/// Words that start a sentence or a phrase and are not names.
const NOT_NAMES: &[&str] = &[
    "a", "an", "the", "start", "then", "end", "and", "with", "in", "on", "at", "it", "i", "make",
    "write", "create", "give", "finally", "first", "after", "before", "he", "she", "they", "we",
    "you", "his", "her", "their", "our", "this", "that", "one", "two", "three", "news", "today",
    "tonight", "when", "where", "while", "who",
];

/// Words for a kind of place that keep their sound inside a name: the "Port of Felixstowe"
/// has gulls, the "Panama Canal" water, "Heathrow Airport" jets.
const PLACE_NOUNS: &[&str] = &[
    "port", "harbour", "harbor", "docks", "canal", "airport", "railway", "pier", "quay",
];

/// Nouns for a kind of piece that a role word can describe: "spy thriller", "ghost story".
const KINDS_OF_PIECE: &[&str] = &[
    "thriller",
    "thrillers",
    "story",
    "stories",
    "tale",
    "tales",
    "drama",
    "mystery",
    "adventure",
    "comedy",
    "film",
    "movie",
    "novel",
    "series",
    "podcast",
    "show",
    "saga",
    "romance",
    "epic",
];

const STOP: &[&str] = &[
    "a",
    "an",
    "the",
    "with",
    "then",
    "and",
    "end",
    "start",
    "by",
    "of",
    "to",
    "our",
    "their",
    "his",
    "her",
    "its",
    "who",
    "that",
    "from",
    "in",
    "on",
    "at",
    "for",
    "as",
    "is",
    "are",
    "two",
    "three",
    "one",
    "finally",
    "later",
    "first",
    "each",
    "some",
    "between",
    "where",
    "while",
    "about",
    "told",
    "voiced",
    "featuring",
    "plus",
    "asks",
    "meets",
    "your",
    "my",
    "interviews",
    "talks",
    "joins",
    "named",
    "called",
    "but",
    "or",
    "both",
    "segment",
    "against",
];

#[derive(Clone, Debug)]
struct Mention {
    start: usize,
    end: usize,
    role: Option<String>,
    modifier: Vec<String>,
    name: Option<String>,
    /// Address form: `Dr. Okafor`, `Maya`.
    short: Option<String>,
    named: bool,
    plural: bool,
    /// Said to tell the piece: "read by", "narrated by", "told by".
    narrates: bool,
}

fn is_name_word(w: &Word) -> bool {
    w.raw.chars().next().is_some_and(char::is_uppercase)
        && w.raw
            .chars()
            .skip(1)
            .all(|c| c.is_alphabetic() || c == '\'' || c == '-')
        && !NOT_NAMES.contains(&w.lower.as_str())
        && !ROLES.contains(&w.lower.as_str())
        && !["dr", "mr", "mrs", "ms", "prof", "st"].contains(&w.lower.as_str())
}

/// A capitalised word after a first name: a surname, even one that is also a role
/// (`Tom Baker`, `Grace Cook`).
fn is_surname_word(w: &Word) -> bool {
    is_name_word(w)
        || (ROLES.contains(&w.lower.as_str())
            && w.raw.chars().next().is_some_and(char::is_uppercase)
            && w.raw.chars().skip(1).all(char::is_lowercase))
}

/// Capitalised words from `i` on (at most three): a name.
fn name_at(words: &[Word], i: usize) -> Option<(usize, Vec<String>)> {
    let mut parts = Vec::new();
    let mut j = i;
    while j < words.len()
        && parts.len() < 3
        && (if j == i {
            is_name_word(&words[j])
        } else {
            is_surname_word(&words[j])
        })
    {
        parts.push(words[j].raw.clone());
        j += 1;
        if words[j - 1].end < words.get(j).map_or(usize::MAX, |w| w.start)
            && !gap_is_space(words, j - 1)
        {
            break;
        }
    }
    (!parts.is_empty()).then_some((j, parts))
}

/// Whether only a space lies between word `i` and the next.
fn gap_is_space(words: &[Word], i: usize) -> bool {
    words
        .get(i + 1)
        .is_some_and(|n| n.start == words[i].end + 1)
}

/// A person's name at `i`, with its title when it has one: `Dr. Ada Okafor` (short form
/// `Dr. Okafor`) or `Maya Lee` (short form `Maya`): the index after it, the name and the
/// short form.
fn person_name_at(words: &[Word], i: usize) -> Option<(usize, String, String)> {
    let w = words.get(i)?;
    if let Some((_, title)) = TITLES.iter().find(|(t, _)| *t == w.lower)
        && w.raw.chars().next().is_some_and(char::is_uppercase)
        && let Some((j, parts)) = name_at(words, i + 1)
    {
        let last = parts.last().expect("a name has a word");
        return Some((
            j,
            format!("{title} {}", parts.join(" ")),
            format!("{title} {last}"),
        ));
    }
    let (j, parts) = name_at(words, i)?;
    Some((j, parts.join(" "), parts[0].clone()))
}

/// Whether `given` is a first name the planner knows.
fn known_first_name(given: &str) -> bool {
    let g = given.to_lowercase();
    FEMALE_NAMES.contains(&g.as_str()) || MALE_NAMES.contains(&g.as_str())
}

/// Endings of words for people by what they do: `sprinter`, `beekeeper`, `cyclist`.
const AGENT_ENDINGS: &[&str] = &["er", "or", "ist", "ian", "ant", "ent"];

/// Words with those endings that are not people.
const NOT_AGENTS: &[&str] = &[
    "after",
    "another",
    "center",
    "centre",
    "colour",
    "color",
    "corner",
    "danger",
    "dinner",
    "door",
    "either",
    "error",
    "event",
    "ever",
    "floor",
    "labour",
    "labor",
    "later",
    "letter",
    "matter",
    "meter",
    "metre",
    "mirror",
    "moment",
    "monitor",
    "motor",
    "never",
    "number",
    "order",
    "other",
    "over",
    "paper",
    "power",
    "rather",
    "river",
    "summer",
    "together",
    "tower",
    "tractor",
    "under",
    "water",
    "weather",
    "whether",
    "winter",
    "better",
    "silent",
    "current",
    "recent",
    "giant",
    "event",
    "present",
    "sister-in-law",
    "september",
    "october",
    "november",
    "december",
    "computer",
    "theater",
    "theatre",
    "chapter",
    "quarter",
    "border",
    "harbour",
    "harbor",
    "shelter",
    "thunder",
    "flavour",
    "flavor",
    "humour",
    "humor",
    "favour",
];

/// A word naming someone by what they do, right before their name: `sprinter` in
/// "sprinter Marcus Bell", `beekeeper` in "beekeeper Gareth", or before a name set off by
/// commas: "a young printer, Arjun, argues", "two cavers, Jenna and Kofi, hear". The name
/// must look like a person's: two capitalised words, or one known first name.
fn agent_before_name(text: &str, words: &[Word], i: usize) -> Option<String> {
    let w = &words[i];
    // "comedians Rachel and Tom": the plural names two.
    let lower = w.lower.strip_suffix('s').filter(|s| {
        AGENT_ENDINGS.iter().any(|e| s.ends_with(e))
            && words.get(i + 2).is_some_and(|n| n.lower == "and")
    });
    let lower = lower.unwrap_or(w.lower.as_str());
    if lower.len() < 5
        || !w.raw.chars().all(|c| c.is_ascii_lowercase() || c == '-')
        || !AGENT_ENDINGS.iter().any(|e| lower.ends_with(e))
        || NOT_AGENTS.contains(&lower)
        || STOP.contains(&lower)
    {
        return None;
    }
    let mut j = i + 1;
    if words
        .get(j)
        .is_some_and(|n| n.lower == "named" || n.lower == "called")
    {
        j += 1;
    }
    if !gap_is_space(words, i) && j == i + 1 && !appositive_name(text, words, i) {
        return None;
    }
    let (_, full, short) = person_name_at(words, j)?;
    (full.contains(' ') && full != short || known_first_name(&short)).then(|| lower.to_owned())
}

/// Whether the text between a named person and a role word describes that person: a comma,
/// an article and at most three plain words (", a night shift " before "nurse").
fn describes_the_named(between: &str) -> bool {
    let Some(rest) = between.trim_start().strip_prefix(',') else {
        return false;
    };
    let words: Vec<&str> = rest.split_whitespace().collect();
    matches!(words.first(), Some(&"a" | &"an"))
        && words.len() <= 4
        && words[1..]
            .iter()
            .all(|w| w.chars().all(|c| c.is_lowercase() || c == '-'))
}

/// Whether word `i` is followed by a name set off by commas: "a printer, Arjun, argues",
/// "cavers, Jenna and Kofi, hear" (not "in Leeds, Priya reports", where no comma closes
/// the name).
fn appositive_name(text: &str, words: &[Word], i: usize) -> bool {
    let Some(next) = words.get(i + 1) else {
        return false;
    };
    if text.get(words[i].end..next.start) != Some(", ") {
        return false;
    }
    let Some((mut j, _)) = name_at(words, i + 1) else {
        return false;
    };
    if words.get(j).is_some_and(|n| n.lower == "and")
        && let Some((k, _)) = name_at(words, j + 1)
    {
        j = k;
    }
    text.get(words[j - 1].end..)
        .is_some_and(|rest| rest.starts_with(','))
}

/// Verbs that say who presents or tells the piece, with the role they give:
/// "hosted by James", "read by a grandmother".
const BY_VERBS: &[(&str, &str)] = &[
    ("hosted", "host"),
    ("presented", "presenter"),
    ("moderated", "moderator"),
    ("chaired", "moderator"),
    ("narrated", "narrator"),
    ("read", "narrator"),
    ("told", "narrator"),
    ("voiced", "narrator"),
];

/// Animals the role list knows, and the verbs for the sounds they make.
const ANIMAL_SOUNDS: &[(&str, &[&str])] = &[
    (
        "dog",
        &["bark", "howl", "growl", "whine", "whimper", "yap", "yelp"],
    ),
    ("puppy", &["bark", "yap", "yelp", "whimper", "whine"]),
    ("cat", &["meow", "miaow", "purr", "hiss", "yowl"]),
    ("kitten", &["meow", "miaow", "mew", "purr"]),
    ("duck", &["quack"]),
    ("frog", &["croak", "ribbit"]),
    ("lion", &["roar", "growl"]),
    ("tiger", &["roar", "growl"]),
    ("bear", &["roar", "growl"]),
    ("elephant", &["trumpet"]),
    ("mouse", &["squeak"]),
];

fn singular(w: &str) -> Option<(String, bool)> {
    if ROLES.contains(&w) {
        return Some((w.to_owned(), false));
    }
    let s = w.strip_suffix('s')?;
    ROLES.contains(&s).then(|| (s.to_owned(), true))
}

fn mentions(text: &str, words: &[Word]) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    // Set by "read by", "told by": the next mention tells the piece.
    let mut narrates_next = false;
    let mut i = 0;
    let mut pushed = 0;
    while i < words.len() {
        // "read by a grandmother": the flag waits for the next mention, whatever words come
        // between ("a", "our").
        if out.len() > pushed {
            pushed = out.len();
            narrates_next = false;
        }
        let w = &words[i];
        // "hosted by James", "read by a grandmother", "told by host Sarah"
        if let Some((_, role)) = BY_VERBS.iter().find(|(v, _)| *v == w.lower)
            && words.get(i + 1).is_some_and(|n| n.lower == "by")
        {
            if let Some((j, full, short)) = person_name_at(words, i + 2) {
                out.push(Mention {
                    start: words[i + 2].start,
                    end: words[j - 1].end,
                    role: Some((*role).to_owned()),
                    modifier: Vec::new(),
                    name: Some(full),
                    short: Some(short),
                    named: true,
                    plural: false,
                    narrates: *role == "narrator",
                });
                i = j;
            } else {
                narrates_next = *role == "narrator";
                i += 2;
            }
            continue;
        }
        let narrates = narrates_next;
        // "Mr and Mrs Patel": two people of one name.
        if let Some((_, t1)) = TITLES.iter().find(|(t, _)| *t == w.lower)
            && w.raw.chars().next().is_some_and(char::is_uppercase)
            && words.get(i + 1).is_some_and(|n| n.lower == "and")
            && let Some((j, full, short)) = person_name_at(words, i + 2)
            && let Some((t2, _)) = full.split_once(' ')
        {
            let surname = short.rsplit(' ').next().unwrap_or(&short).to_owned();
            let rest = &full[t2.len() + 1..];
            out.push(Mention {
                start: w.start,
                end: w.end,
                role: None,
                modifier: Vec::new(),
                name: Some(format!("{t1} {rest}")),
                short: Some(format!("{t1} {surname}")),
                named: true,
                plural: false,
                narrates,
            });
            out.push(Mention {
                start: words[i + 2].start,
                end: words[j - 1].end,
                role: None,
                modifier: Vec::new(),
                name: Some(full),
                short: Some(short),
                named: true,
                plural: false,
                narrates: false,
            });
            i = j;
            continue;
        }
        // A title and a name: Dr. Ada Okafor.
        if TITLES.iter().any(|(t, _)| *t == w.lower)
            && w.raw.chars().next().is_some_and(char::is_uppercase)
            && let Some((j, full, short)) = person_name_at(words, i)
        {
            out.push(Mention {
                start: w.start,
                end: words[j - 1].end,
                role: None,
                modifier: Vec::new(),
                name: Some(full),
                short: Some(short),
                named: true,
                plural: false,
                narrates,
            });
            i = j;
            continue;
        }
        // "ex-detective Frank Malloy", "former nurse"
        let bare = w
            .lower
            .strip_prefix("ex-")
            .or_else(|| w.lower.strip_prefix("former-"))
            .unwrap_or(&w.lower);
        // "a spy thriller", "a ghost story": the role word says what kind of piece it is.
        let names_a_kind = words
            .get(i + 1)
            .is_some_and(|n| gap_is_space(words, i) && KINDS_OF_PIECE.contains(&n.lower.as_str()));
        // "Grace Mensah, a night porter at ...": a word for what someone does, right after
        // their name, is their role even when the planner does not know it.
        let apposed_agent = w.raw.len() >= 5
            && w.raw.chars().all(|c| c.is_ascii_lowercase())
            && AGENT_ENDINGS.iter().any(|e| w.lower.ends_with(e))
            && !NOT_AGENTS.contains(&w.lower.as_str())
            && !STOP.contains(&w.lower.as_str())
            && out.last().is_some_and(|m| {
                m.named
                    && m.role.is_none()
                    && text.get(m.end..w.start).is_some_and(describes_the_named)
            });
        // "the farmer's dog barks", "an owl hoots": an animal making its own sound is a
        // sound in the piece, not a speaker (the sound table plans it).
        let makes_its_sound = ANIMAL_SOUNDS.iter().any(|(animal, verbs)| {
            singular(bare).is_some_and(|(r, _)| r == *animal)
                && words.get(i + 1).is_some_and(|n| {
                    verbs.iter().any(|v| {
                        n.lower
                            .strip_prefix(v)
                            .is_some_and(|e| ["", "s", "es", "ed", "ing"].contains(&e))
                    })
                })
        });
        let role_here = singular(bare)
            .filter(|_| !makes_its_sound)
            .or_else(|| {
                agent_before_name(text, words, i).map(|r| {
                    let plural = w.lower.len() > r.len();
                    (r, plural)
                })
            })
            .or_else(|| apposed_agent.then(|| (w.lower.clone(), false)))
            .filter(|_| !names_a_kind);
        // "Lucy Chen (a nurse)", "Mia as a detective": the role of the person just named.
        let of_previous = out.last().is_some_and(|m| {
            m.named
                && text.get(m.end..w.start).is_some_and(|between| {
                    let b = between.trim().to_lowercase();
                    let b = b
                        .trim_end_matches(" a")
                        .trim_end_matches(" an")
                        .trim_end_matches(" the");
                    [
                        "(", "( a", "(a", "(an", "(the", "as", "as a", "as an", "as the", "",
                    ]
                    .contains(&b.trim())
                        && !between.trim().is_empty()
                })
        });
        // "Carol Denning, coming in as a guest", "Tom, who joins as co-host": a short
        // aside about the person just named gives their part.
        let of_previous = of_previous
            || out.last().is_some_and(|m| {
                m.named
                    && text.get(m.end..w.start).is_some_and(|between| {
                        let b = between.trim().to_lowercase();
                        let b = b
                            .trim_end_matches(" a")
                            .trim_end_matches(" an")
                            .trim_end_matches(" the");
                        between.trim_start().starts_with(',')
                            && (b.ends_with(" as") || b.ends_with(",as"))
                            && b.split_whitespace().count() <= 5
                            && !b.contains(['.', ';', '!', '?'])
                    })
            });
        // "Adaeze Okafor, a night shift nurse at ...": an appositive after a name says what
        // the person just named does; it is not a second person.
        let described = role_here.is_some()
            && out.last().is_some_and(|m| {
                m.named
                    && m.role.is_none()
                    && text.get(m.end..w.start).is_some_and(describes_the_named)
            });
        if described && let Some(m) = out.last_mut() {
            // What they do, as the brief says it, with where they do it: "night shift
            // nurse at Leeds General Infirmary".
            let between = text.get(m.end..w.start).unwrap_or("");
            let mut said: Vec<String> = between
                .split_whitespace()
                .filter(|w| ![",", "a", "an"].contains(w))
                .map(str::to_owned)
                .collect();
            said.push(w.lower.clone());
            let mut k = i + 1;
            if words
                .get(k)
                .is_some_and(|n| ["at", "from", "for"].contains(&n.lower.as_str()))
                && gap_is_space(words, i)
                && let Some((end, parts)) = name_at(words, k + 1)
            {
                said.push(words[k].lower.clone());
                said.extend(parts);
                k = end;
            }
            m.modifier = said;
            m.end = words[k - 1].end;
        }
        let of_previous = of_previous || described;
        if let Some((role, _)) = &role_here
            && of_previous
        {
            if let Some(m) = out.last_mut() {
                if m.role.is_none() {
                    m.role = Some(role.clone());
                }
                // The aside is part of how the brief names them.
                m.end = m.end.max(w.end);
            }
            i += 1;
            continue;
        }
        if let Some((role, plural)) = role_here {
            let mut modifier = Vec::new();
            let mut k = i;
            while k > 0 && modifier.len() < 2 {
                let p = &words[k - 1];
                let ok = p.end + 1 == words[k].start
                    && p.raw.chars().all(|c| c.is_alphabetic() || c == '-')
                    && (p.raw.chars().next().is_some_and(char::is_lowercase)
                        // "FBI agent", "NHS nurse"
                        || (p.raw.len() > 1 && p.raw.chars().all(|c| c.is_ascii_uppercase())))
                    && !STOP.contains(&p.lower.as_str())
                    && (p.lower == "news" || !p.lower.ends_with('s'))
                    && !p.lower.ends_with("ly")
                    && !ROLES.contains(&p.lower.as_str());
                if !ok {
                    break;
                }
                modifier.insert(0, p.lower.clone());
                k -= 1;
            }
            let mut m = Mention {
                // "with marine scientist Prof. Hughes": the mention starts at "marine".
                start: words[k].start,
                end: w.end,
                role: Some(match role.as_str() {
                    "cohost" => "co-host".to_owned(),
                    "copilot" => "co-pilot".to_owned(),
                    _ => role,
                }),
                modifier,
                name: None,
                short: None,
                named: false,
                plural,
                narrates,
            };
            // "the host, Maya," / "reporter Sam Lee" / "a fox named Rusty" / "biologist
            // Dr. Amara Okafor"
            let mut j = i + 1;
            if words
                .get(j)
                .is_some_and(|n| n.lower == "named" || n.lower == "called")
            {
                j += 1;
            }
            // A name only in the same sentence: not "With a narrator. About 4 mins."
            let same_sentence = words
                .get(j)
                .and_then(|n| text.get(w.end..n.start))
                .is_some_and(|gap| !gap.contains(['.', '!', '?', ';']));
            if same_sentence && let Some((end, full, short)) = person_name_at(words, j) {
                // "her friend Max the mouse": what they are follows the name.
                let end = if words.get(end).is_some_and(|n| n.lower == "the")
                    && gap_is_space(words, end - 1)
                    && words
                        .get(end + 1)
                        .is_some_and(|n| singular(&n.lower).is_some())
                {
                    end + 2
                } else {
                    end
                };
                m.end = words[end - 1].end;
                m.short = Some(short);
                m.name = Some(full);
                m.named = true;
                out.push(m.clone());
                // "hosts Maya and Tom"
                if plural
                    && words.get(end).is_some_and(|n| n.lower == "and")
                    && let Some((end2, full2, short2)) = person_name_at(words, end + 1)
                {
                    out.push(Mention {
                        start: words[end + 1].start,
                        end: words[end2 - 1].end,
                        name: Some(full2),
                        short: Some(short2),
                        plural: false,
                        ..m.clone()
                    });
                    i = end2;
                } else {
                    i = end;
                }
                continue;
            }
            out.push(m);
            i += 1;
            continue;
        }
        // "with Maya, the host," / "Luna the owl" (not "in Leeds, our reporter Priya")
        if is_name_word(w)
            && (i == 0
                || !words[i - 1]
                    .raw
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase))
            && let Some((j, parts)) = name_at(words, i)
            && let Some(article) = words.get(j)
            && ["the", "a", "an", "our"].contains(&article.lower.as_str())
            && ((i > 0 && ["with", "and"].contains(&words[i - 1].lower.as_str()))
                || (article.lower == "the" && gap_is_space(words, j - 1)))
            && let Some(r) = words.get(j + 1).and_then(|n| singular(&n.lower))
        {
            out.push(Mention {
                start: w.start,
                end: words[j + 1].end,
                role: Some(r.0),
                modifier: Vec::new(),
                name: Some(parts.join(" ")),
                short: Some(parts[0].clone()),
                named: true,
                plural: false,
                narrates,
            });
            i = j + 2;
            continue;
        }
        // A known first name on its own: "between Maya and Leo", "with Omar", "hear from
        // Harriet", "me (Kenji)".
        let heard_from = i > 1
            && words[i - 1].lower == "from"
            && ["hear", "hears", "heard", "hearing"].contains(&words[i - 2].lower.as_str());
        let me_named = i > 0
            && ["me", "myself", "i"].contains(&words[i - 1].lower.as_str())
            && text
                .get(words[i - 1].end..w.start)
                .is_some_and(|b| b.trim() == "(" || b.trim() == ",");
        if i > 0
            && (["with", "and", "between", "featuring", "starring"]
                .contains(&words[i - 1].lower.as_str())
                || heard_from
                || me_named)
            && is_name_word(w)
            && known_first_name(&w.raw)
            && let Some((j, full, short)) = person_name_at(words, i)
        {
            out.push(Mention {
                start: w.start,
                end: words[j - 1].end,
                role: None,
                modifier: Vec::new(),
                name: Some(full),
                short: Some(short),
                named: true,
                plural: false,
                narrates,
            });
            i = j;
            continue;
        }
        i += 1;
    }
    // "grandpa tells his grandson a story": who tells it.
    for m in &mut out {
        let after = text
            .get(m.end..)
            .and_then(|t| t.split_whitespace().next())
            .unwrap_or("")
            .to_lowercase();
        if ["tells", "reads", "narrates", "recounts"].contains(&after.as_str()) {
            m.narrates = true;
        }
    }
    out
}

/// Day names and other capitalised words that are not names of things (months come from
/// the text normaliser's list).
const NOT_PROPER: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "christmas",
    "easter",
    "i",
];

/// The proper names of `words` outside the people's mentions: `Leeds`, `Silver Storm`,
/// `M60`. A capitalised first word counts only when a second capitalised word follows.
fn proper_names(
    text: &str,
    words: &[Word],
    mentions: &[Mention],
    people: &[Person],
) -> Vec<ProperName> {
    let mut out: Vec<ProperName> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let in_mention = mentions
            .iter()
            .any(|m| w.start >= m.start && w.start < m.end);
        let sentence_start =
            i == 0 || text[words[i - 1].end..w.start].contains(['.', '!', '?', ':']);
        // Road and route names: M60, A1, I-95.
        let road = w.raw.len() <= 5
            && w.raw.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && w.raw
                .chars()
                .skip(1)
                .all(|c| c.is_ascii_digit() || c == '-')
            && w.raw.chars().any(|c| c.is_ascii_digit());
        if !in_mention && road {
            out.push(ProperName {
                text: w.raw.clone(),
                before: if i > 0 {
                    words[i - 1].lower.clone()
                } else {
                    String::new()
                },
            });
            i += 1;
            continue;
        }
        if !in_mention && let Some((j, parts)) = name_at(words, i) {
            let text = parts.join(" ");
            let lower = text.to_lowercase();
            let speaker = people
                .iter()
                .any(|p| p.title.contains(&text) || p.character == text);
            // "Kenyan runner", "Olympic sprinter": a word that describes someone.
            let describes = parts.len() == 1
                && words.get(j).is_some_and(|n| {
                    n.raw.chars().next().is_some_and(char::is_lowercase)
                        && (singular(&n.lower).is_some()
                            || AGENT_ENDINGS.iter().any(|e| n.lower.ends_with(e))
                                && !NOT_AGENTS.contains(&n.lower.as_str()))
                });
            let skip = describes
                || (sentence_start && parts.len() < 2)
                || NOT_PROPER.contains(&lower.as_str())
                || crate::text::normalize::MONTHS.contains(&lower.as_str())
                || speaker
                || out.iter().any(|n| n.text == text);
            if !skip {
                out.push(ProperName {
                    text,
                    before: if i > 0 {
                        words[i - 1].lower.clone()
                    } else {
                        String::new()
                    },
                });
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// A clause of a brief: its text without the mark that ends it, where it starts, whether
/// it asks a question, its words, and whether it names a format ("a news bulletin").
struct Clause<'a> {
    text: &'a str,
    start: usize,
    question: bool,
    words: Vec<Word>,
    names_format: bool,
}

impl Clause<'_> {
    /// Whether one of `mentions` lies partly inside the clause.
    fn mentions_any<'m>(&self, mentions: impl IntoIterator<Item = &'m Mention>) -> bool {
        mentions
            .into_iter()
            .any(|m| m.start < self.start + self.text.len() && m.end > self.start)
    }
}

/// Whether `before` (text up to a full stop) ends with an initial: "D.B" of "D.B. Cooper",
/// "J" of "J. K. Rowling". Such a stop ends no sentence.
fn is_initial(before: &str) -> bool {
    let last = before.rsplit(char::is_whitespace).next().unwrap_or("");
    let letter = last.rsplit('.').next().unwrap_or("");
    let mut chars = letter.chars();
    chars.next().is_some_and(|c| c.is_uppercase()) && chars.next().is_none()
}

/// The brief cut into pieces at commas, semicolons, colons and sentence ends; not at a mark
/// between digits ("$200,000", "97.4") or after an initial ("D.B. Cooper").
fn clause_pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (n, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, ',' | ';' | ':' | '.' | '!' | '?') {
            continue;
        }
        let prev = n.checked_sub(1).map(|k| chars[k].1);
        let next = chars.get(n + 1).map(|&(_, c)| c);
        let in_number = matches!(c, ',' | '.')
            && prev.is_some_and(|p| p.is_ascii_digit())
            && next.is_some_and(|x| x.is_ascii_digit());
        if in_number || (c == '.' && is_initial(&text[start..i])) {
            continue;
        }
        let end = i + c.len_utf8();
        out.push(&text[start..end]);
        start = end;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The brief split at commas, semicolons, colons and sentence ends.
fn clauses(text: &str) -> Vec<Clause<'_>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for piece in clause_pieces(text) {
        let start = offset + (piece.len() - piece.trim_start().len());
        offset += piece.len();
        let clause = piece
            .trim()
            .trim_end_matches([',', ';', ':', '.', '!', '?'])
            .trim();
        let words = tokens(clause);
        let names_format = Genre::ALL
            .iter()
            .any(|g| first_of(&words, g.strong_words()).is_some())
            || misspelt_genre(&words).is_some();
        out.push(Clause {
            text: clause,
            start,
            question: piece.trim_end().ends_with('?'),
            words,
            names_format,
        });
    }
    out
}

/// The clauses of a brief that state facts the piece should carry: split at commas,
/// semicolons and colons, leaving out the clause that names the format, the ones that name
/// the people who speak, and those that only give a length or a sound.
fn details(text: &str, subject: Option<&Subject>, mentions: &[Mention]) -> Vec<String> {
    let mut out = Vec::new();
    for c in clauses(text) {
        if c.words.len() < 2 {
            continue;
        }
        let lower = c.text.to_lowercase();
        // Clauses about the speakers are not facts to read out; a crowd ("residents told
        // to keep windows shut") is.
        let names_people = c.mentions_any(mentions.iter().filter(|m| m.named || !m.plural));
        let only_length = requested_length(c.text).is_some() && c.words.len() <= 4;
        let is_subject = subject.is_some_and(|s| s.text.eq_ignore_ascii_case(c.text));
        let stylistic = [
            "voice",
            "tone",
            "style",
            "narrated",
            "energetic",
            "young and",
        ]
        .iter()
        .any(|k| lower.contains(k));
        // "a true crime episode on the D.B. Cooper case - back in 1971 a man ...": what
        // follows the dash is a fact, though the clause names the format.
        if c.names_format
            && !names_people
            && let Some((_, after)) = [" - ", " – ", " — "]
                .iter()
                .find_map(|d| c.text.split_once(d))
            && after.split_whitespace().count() >= 3
            && !subject.is_some_and(|s| after.trim().starts_with(&s.text))
        {
            out.push(after.trim().to_owned());
            continue;
        }
        if c.names_format || names_people || only_length || is_subject || stylistic {
            continue;
        }
        // A question stays a question: "where did all the gold go?"
        out.push(if c.question {
            format!("{}?", c.text)
        } else {
            c.text.to_owned()
        });
    }
    out
}

/// The first clause that tells what happens to someone the brief names, with at least
/// four words and no format word: a story's premise.
fn premise(text: &str, mentions: &[Mention]) -> Option<String> {
    let clauses = clauses(text);
    clauses.iter().enumerate().find_map(|(k, c)| {
        let by = c
            .words
            .first()
            .is_some_and(|w| BY_VERBS.iter().any(|(v, _)| *v == w.lower));
        if !c.mentions_any(mentions) || c.names_format || by {
            return None;
        }
        if c.words.len() >= 4 {
            return Some(c.text.to_owned());
        }
        // "the keeper, Morwenna, hears a knock": a name set off by commas, then what the
        // person does in the same sentence.
        let verb = clauses[k + 1..]
            .iter()
            .take(2)
            .take_while(|n| text[c.start..n.start].trim_end().ends_with(','))
            .find(|n| {
                n.words.len() >= 3
                    && !n.mentions_any(mentions)
                    && n.text.chars().next().is_some_and(char::is_lowercase)
            })?;
        Some(text[c.start..verb.start + verb.text.len()].to_owned())
    })
}

/// The premise from where it starts to the end of its sentence, when that is at most 40
/// words: the whole event as the brief tells it.
fn premise_sentence(text: &str, mentions: &[Mention]) -> Option<String> {
    let first = premise(text, mentions)?;
    let at = text.find(&first)?;
    let (s_start, sentence) = sentences(text)
        .into_iter()
        .find(|(s, t)| *s <= at && at < s + t.len())?;
    let told = text[at..s_start + sentence.len()].trim();
    (told.split_whitespace().count() <= 40).then(|| told.to_owned())
}

/// A sentence after the first of at most four words, capitalised names and a number (a
/// year): where and when a scene is set, "Lisbon, 1944."
fn dateline(text: &str) -> Option<String> {
    sentences(text).into_iter().skip(1).find_map(|(_, s)| {
        let words = tokens(s);
        let is_dateline = !words.is_empty()
            && words.len() <= 4
            && words
                .iter()
                .any(|w| w.raw.chars().all(|c| c.is_ascii_digit()))
            && words.iter().all(|w| {
                w.raw.chars().all(|c| c.is_ascii_digit())
                    || (is_name_word(w) && !NOT_PROPER.contains(&w.lower.as_str()))
            });
        is_dateline.then(|| s.trim().trim_end_matches(['.', '!', '?']).to_owned())
    })
}

/// "set in an abandoned Victorian hospital", "recorded at the harbour": the place, up to
/// the end of its clause.
fn place_phrase(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    for lead in [
        "set in ",
        "set on ",
        "set at ",
        "recorded in ",
        "recorded at ",
        "live from ",
    ] {
        if let Some(i) = find_phrase(&lower, lead.trim_end()) {
            // Keep the preposition: "in an abandoned hospital", "from Cheltenham".
            let preposition = lead.trim_end().rsplit(' ').next().unwrap_or("");
            let from = i + lead.len() - preposition.len() - 1;
            let rest = &text[from.min(text.len())..];
            let end = rest
                .find([',', ';', '.', ':', '!', '?'])
                .unwrap_or(rest.len());
            let phrase = rest[..end].trim();
            if phrase.split_whitespace().count() >= 2 {
                return Some(phrase.to_owned());
            }
        }
    }
    None
}

/// Words a clause that sets a scene starts with: a place, a time, who is there.
const SCENE_STARTS: &[&str] = &[
    "in",
    "on",
    "at",
    "aboard",
    "inside",
    "outside",
    "during",
    "after",
    "before",
    "late",
    "early",
    "one",
    "it",
    "they",
    "he",
    "she",
    "the",
    "a",
    "an",
    "their",
    "our",
    "somewhere",
    "deep",
    "high",
    "far",
];

/// The details that set a scene: they start with a place, a time or a subject (not a verb),
/// and name no sound (the sound rows carry those).
fn scene(details: &[String], plain: &[Word]) -> Vec<String> {
    let sounds: Vec<&str> = named_sounds(plain).iter().map(|s| s.key).collect();
    details
        .iter()
        .filter(|d| {
            let lower = d.to_lowercase();
            let first = lower.split_whitespace().next().unwrap_or("");
            (SCENE_STARTS.contains(&first) || first.starts_with(|c: char| c.is_ascii_digit()))
                && !sounds.iter().any(|k| lower.contains(k))
                && !d.ends_with('?')
        })
        .cloned()
        .collect()
}

/// Roles that say a gender.
fn role_gender(role: &str) -> Option<Gender> {
    const FEMALE: &[&str] = &[
        "girl",
        "mother",
        "grandmother",
        "queen",
        "princess",
        "witch",
        "aunt",
        "sister",
        "daughter",
        "wife",
        "grandma",
        "granny",
        "mum",
        "mom",
        "actress",
        "waitress",
        "nun",
        "landlady",
        "woman",
        "lady",
        "heroine",
    ];
    const MALE: &[&str] = &[
        "boy",
        "father",
        "grandfather",
        "king",
        "prince",
        "wizard",
        "uncle",
        "brother",
        "son",
        "husband",
        "grandpa",
        "dad",
        "monk",
        "landlord",
        "man",
        "gentleman",
    ];
    if FEMALE.contains(&role) {
        Some(Gender::Female)
    } else if MALE.contains(&role) {
        Some(Gender::Male)
    } else {
        None
    }
}

/// First names common in English-language briefs, by the gender they most often name.
const FEMALE_NAMES: &[&str] = &[
    "aarti",
    "abena",
    "abigail",
    "ada",
    "adaeze",
    "adriana",
    "agnes",
    "agnieszka",
    "aiko",
    "ailsa",
    "ainhoa",
    "aisha",
    "akosua",
    "aleksandra",
    "alessandra",
    "alice",
    "alicia",
    "alison",
    "ama",
    "amanda",
    "amara",
    "amelia",
    "amelie",
    "amina",
    "amna",
    "amy",
    "ana",
    "ananya",
    "anastasia",
    "andrea",
    "angela",
    "anita",
    "anja",
    "anjali",
    "anke",
    "anna",
    "anne",
    "annie",
    "antonia",
    "aoife",
    "aroha",
    "astrid",
    "ava",
    "ayesha",
    "barbara",
    "beatrice",
    "beatriz",
    "bella",
    "beth",
    "bethany",
    "bianca",
    "birgit",
    "brenda",
    "bridget",
    "brigitte",
    "bronwen",
    "camila",
    "camille",
    "carla",
    "carmen",
    "carol",
    "caroline",
    "carys",
    "catherine",
    "celia",
    "celine",
    "charlotte",
    "chiamaka",
    "chiara",
    "chloe",
    "christine",
    "ciara",
    "claire",
    "clara",
    "claudia",
    "cleo",
    "daisy",
    "dana",
    "deborah",
    "deepika",
    "demelza",
    "despina",
    "diana",
    "dimitra",
    "divya",
    "dolores",
    "dorothy",
    "edith",
    "eileen",
    "eilidh",
    "ekaterina",
    "elaine",
    "eleanor",
    "elena",
    "eleni",
    "elif",
    "eliza",
    "elizabeth",
    "ella",
    "ellen",
    "ellie",
    "elodie",
    "eloise",
    "elsa",
    "emily",
    "emma",
    "erin",
    "esther",
    "eva",
    "eve",
    "evelyn",
    "ewa",
    "farah",
    "fatima",
    "federica",
    "ffion",
    "fiona",
    "folake",
    "frances",
    "francesca",
    "freya",
    "funmi",
    "funmilayo",
    "gabriela",
    "gemma",
    "georgina",
    "giorgia",
    "giulia",
    "gloria",
    "grace",
    "guadalupe",
    "gwen",
    "hana",
    "hannah",
    "harper",
    "harriet",
    "haruka",
    "hazel",
    "heather",
    "helen",
    "helena",
    "hilda",
    "hina",
    "holly",
    "imani",
    "imogen",
    "ines",
    "ingrid",
    "irene",
    "irina",
    "isabel",
    "isabella",
    "isla",
    "itzel",
    "itziar",
    "ivy",
    "jacqueline",
    "jane",
    "janet",
    "jasmine",
    "jean",
    "jenna",
    "jennifer",
    "jenny",
    "jess",
    "jessica",
    "jia",
    "jill",
    "joan",
    "joanna",
    "josephine",
    "joy",
    "judith",
    "julia",
    "julie",
    "juliette",
    "karen",
    "karolina",
    "katarzyna",
    "kate",
    "katerina",
    "katherine",
    "kathleen",
    "kavya",
    "keiko",
    "kerensa",
    "kim",
    "kiri",
    "kirsty",
    "klara",
    "laia",
    "lakshmi",
    "laura",
    "lauren",
    "layla",
    "leah",
    "leila",
    "lena",
    "leticia",
    "lily",
    "linda",
    "ling",
    "lisa",
    "lola",
    "louise",
    "lucia",
    "lucy",
    "luna",
    "lupe",
    "lydia",
    "mabel",
    "madeleine",
    "maeve",
    "magdalena",
    "maggie",
    "mahnoor",
    "mairead",
    "manon",
    "margaret",
    "margaux",
    "marguerite",
    "maria",
    "marie",
    "marion",
    "marta",
    "martha",
    "martina",
    "mary",
    "maya",
    "meera",
    "megan",
    "mei",
    "melissa",
    "mercedes",
    "mia",
    "michelle",
    "mildred",
    "mireia",
    "miriam",
    "molly",
    "monica",
    "montserrat",
    "morag",
    "morwenna",
    "nadia",
    "nancy",
    "naomi",
    "natalia",
    "natalie",
    "natasha",
    "neha",
    "ngaio",
    "ngozi",
    "niamh",
    "nina",
    "nisha",
    "noor",
    "nora",
    "nuria",
    "oksana",
    "olga",
    "olivia",
    "paola",
    "paula",
    "pauline",
    "penelope",
    "petra",
    "philippa",
    "phoebe",
    "pilar",
    "pooja",
    "priya",
    "rachel",
    "rebecca",
    "rita",
    "roisin",
    "rosa",
    "rosalind",
    "rose",
    "rosie",
    "ruby",
    "ruth",
    "sabine",
    "sabrina",
    "sadie",
    "sakura",
    "samira",
    "sana",
    "sandra",
    "saoirse",
    "sara",
    "sarah",
    "shirley",
    "shona",
    "shreya",
    "sienna",
    "sigrid",
    "siobhan",
    "sofia",
    "sophia",
    "sophie",
    "stella",
    "sunita",
    "susan",
    "suzanne",
    "svetlana",
    "sylvia",
    "sylvie",
    "tamsin",
    "tara",
    "tatiana",
    "teresa",
    "tessa",
    "tina",
    "ursula",
    "valentina",
    "valeria",
    "vanessa",
    "vera",
    "violet",
    "wanjiru",
    "wendy",
    "ximena",
    "xiu",
    "yasmin",
    "yetunde",
    "yuki",
    "yuna",
    "zainab",
    "zara",
    "zeynep",
    "zoe",
    "zofia",
    "amélie",
    "chloé",
    "céline",
    "inês",
    "lucía",
    "małgorzata",
    "núria",
    "océane",
    "élodie",
];
const MALE_NAMES: &[&str] = &[
    "aaron",
    "abdul",
    "adam",
    "adrian",
    "ahmed",
    "alan",
    "alasdair",
    "albert",
    "alberto",
    "alejandro",
    "alessandro",
    "alexander",
    "alexei",
    "alfie",
    "alfred",
    "ali",
    "amir",
    "amit",
    "anders",
    "andre",
    "andreas",
    "andrew",
    "andrzej",
    "angus",
    "anil",
    "anthony",
    "antonio",
    "archie",
    "arjun",
    "arthur",
    "asif",
    "barry",
    "ben",
    "benjamin",
    "bernard",
    "bilal",
    "bill",
    "billy",
    "bjorn",
    "bob",
    "brian",
    "bruce",
    "callum",
    "carl",
    "carlos",
    "charles",
    "charlie",
    "chidi",
    "chinedu",
    "cian",
    "ciaran",
    "colin",
    "connor",
    "cormac",
    "craig",
    "dafydd",
    "dan",
    "daniel",
    "danny",
    "darren",
    "dave",
    "david",
    "deepak",
    "dennis",
    "derek",
    "diego",
    "dieter",
    "dimitris",
    "dmitri",
    "dmitry",
    "dominic",
    "donald",
    "doug",
    "duncan",
    "dylan",
    "ed",
    "eddie",
    "edward",
    "eli",
    "elijah",
    "emeka",
    "emrys",
    "enrico",
    "eoin",
    "eric",
    "ethan",
    "etienne",
    "euan",
    "evan",
    "ewan",
    "faisal",
    "farid",
    "felix",
    "fernando",
    "finlay",
    "finn",
    "florian",
    "francesco",
    "francois",
    "frank",
    "fraser",
    "fred",
    "freddie",
    "gareth",
    "gary",
    "geoff",
    "george",
    "gerald",
    "giorgos",
    "giovanni",
    "giuseppe",
    "graham",
    "greg",
    "gregory",
    "guillaume",
    "hamish",
    "hamza",
    "hans",
    "hao",
    "harold",
    "harry",
    "haruto",
    "harvey",
    "hassan",
    "hemi",
    "henry",
    "hiroshi",
    "hugh",
    "hugo",
    "ian",
    "ibrahim",
    "imran",
    "inaki",
    "isaac",
    "ivan",
    "iwan",
    "jack",
    "jacob",
    "jacques",
    "jago",
    "jake",
    "jakub",
    "jamal",
    "james",
    "jason",
    "javier",
    "jeff",
    "jeremy",
    "jim",
    "jimmy",
    "joao",
    "joaquin",
    "joe",
    "joel",
    "johan",
    "john",
    "jonas",
    "jonathan",
    "jordi",
    "jorge",
    "jose",
    "joseph",
    "josh",
    "juan",
    "julian",
    "jun",
    "jurgen",
    "kamran",
    "karl",
    "keith",
    "ken",
    "kenji",
    "kevin",
    "klaus",
    "kofi",
    "kostas",
    "krzysztof",
    "kwabena",
    "kwame",
    "lachlan",
    "lars",
    "lee",
    "leo",
    "leon",
    "leonard",
    "liam",
    "lorenzo",
    "louis",
    "luca",
    "lucas",
    "luis",
    "lukas",
    "lukasz",
    "luke",
    "malcolm",
    "manuel",
    "marco",
    "marcus",
    "marek",
    "mario",
    "mark",
    "martin",
    "mateo",
    "mathieu",
    "matteo",
    "matthew",
    "matthias",
    "max",
    "michael",
    "michal",
    "miguel",
    "mike",
    "mikhail",
    "ming",
    "mohammed",
    "muhammad",
    "nathan",
    "neil",
    "niall",
    "nick",
    "nigel",
    "nikau",
    "nikolai",
    "nikos",
    "nils",
    "noah",
    "obinna",
    "oisin",
    "oliver",
    "olivier",
    "olu",
    "omar",
    "oriol",
    "oscar",
    "owain",
    "owen",
    "pablo",
    "padraig",
    "paolo",
    "patrick",
    "paul",
    "pawel",
    "pedro",
    "pete",
    "peter",
    "philip",
    "pierre",
    "piotr",
    "piran",
    "rafael",
    "rahul",
    "raj",
    "rajesh",
    "ramesh",
    "ravi",
    "rawiri",
    "ray",
    "raymond",
    "reggie",
    "rhys",
    "richard",
    "rob",
    "robert",
    "roger",
    "rohan",
    "ronald",
    "rory",
    "ross",
    "ruaridh",
    "ryan",
    "sam",
    "samuel",
    "sanjay",
    "santiago",
    "scott",
    "seamus",
    "sean",
    "sebastian",
    "segun",
    "sergei",
    "sergio",
    "shahid",
    "simon",
    "stan",
    "stanley",
    "stavros",
    "stefan",
    "stefano",
    "stephen",
    "steve",
    "struan",
    "stuart",
    "sunil",
    "suresh",
    "sven",
    "takeshi",
    "tane",
    "tariq",
    "ted",
    "terry",
    "theo",
    "thierry",
    "thomas",
    "tim",
    "timothy",
    "tom",
    "tomas",
    "tomasz",
    "tommy",
    "tony",
    "trevor",
    "tristan",
    "tunde",
    "usman",
    "victor",
    "vijay",
    "vikram",
    "vincent",
    "vladimir",
    "walter",
    "wayne",
    "wei",
    "william",
    "wiremu",
    "wojciech",
    "wolfgang",
    "xavier",
    "yannis",
    "yaw",
    "yusuf",
    "yuto",
    "zach",
    "zubair",
    "björn",
    "ciarán",
    "françois",
    "iñaki",
    "joaquín",
    "joão",
    "jürgen",
    "michał",
    "oisín",
    "paweł",
    "pádraig",
    "séan",
    "étienne",
    "łukasz",
];

/// A person's gender as the brief's words give it: a role that says it (`grandmother`), a
/// title (`Mrs.`, `Sir`), a word before the role (`female engineer`), a first name that
/// usually names one gender, or the first pronoun after their mention (`she`, `his`).
/// `None` when nothing says.
pub fn gender_of(person: &Person, modifiers: &[&str], after: &str) -> Option<Gender> {
    if let Some(g) = person.role.as_deref().and_then(role_gender) {
        return Some(g);
    }
    for m in modifiers {
        match *m {
            "female" | "woman" | "lady" | "girl" => return Some(Gender::Female),
            "male" | "man" | "boy" => return Some(Gender::Male),
            _ => {}
        }
    }
    let title = person.title.to_lowercase();
    let mut parts = title.split_whitespace();
    let first = parts.next().unwrap_or("").trim_end_matches('.');
    match first {
        "mrs" | "ms" | "miss" | "lady" | "madam" | "dame" => return Some(Gender::Female),
        "mr" | "sir" | "lord" => return Some(Gender::Male),
        _ => {}
    }
    let given = if TITLES.iter().any(|(t, _)| *t == first) {
        parts.next().unwrap_or("")
    } else {
        first
    };
    if person.named {
        if FEMALE_NAMES.contains(&given) {
            return Some(Gender::Female);
        }
        if MALE_NAMES.contains(&given) {
            return Some(Gender::Male);
        }
    }
    after
        .split(|c: char| !c.is_alphabetic())
        .find_map(|w| match w.to_lowercase().as_str() {
            "she" | "her" | "hers" | "herself" => Some(Gender::Female),
            "he" | "him" | "his" | "himself" => Some(Gender::Male),
            _ => None,
        })
}

/// The gender of an object pronoun that is the first pronoun of `after` and sits in the
/// same clause as the mention before it: "who helps him", "who finds her." Such a pronoun
/// cannot be the person just named (they would be "himself").
fn object_pronoun_in_clause(after: &str) -> Option<Gender> {
    let clause = after
        .split([',', '.', ';', ':', '!', '?'])
        .next()
        .unwrap_or("");
    let words: Vec<String> = clause
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let first = words.iter().position(|w| {
        [
            "he", "him", "his", "himself", "she", "her", "hers", "herself",
        ]
        .contains(&w.as_str())
    })?;
    match words[first].as_str() {
        "him" => Some(Gender::Male),
        // "her" ends the clause: an object, not "her dog".
        "her" if first + 1 == words.len() => Some(Gender::Female),
        _ => None,
    }
}

/// People (each once) and the running order from the mentions.
fn running_order(text: &str, mentions: &[Mention]) -> (Vec<Person>, Vec<Vec<usize>>) {
    // A role that gets a name somewhere is that person everywhere.
    let named_role = |role: &str| {
        mentions
            .iter()
            .find(|m| m.named && m.role.as_deref() == Some(role))
    };
    let mut people: Vec<Person> = Vec::new();
    let mut order: Vec<usize> = Vec::new();
    // Where each entry of `order` is named in the brief.
    let mut positions: Vec<(usize, usize)> = Vec::new();
    for (n, m) in mentions.iter().enumerate() {
        let (start, end) = (m.start, m.end);
        // "two astronauts, Commander Elena Ruiz and engineer Kofi": the names that follow in
        // the same sentence are the people; nobody is invented for the plural.
        // "firefighters on scene", "residents told": people the piece is about, not
        // voices; a plural speaks only when counted ("two friends") or when it hosts.
        let counted = m.plural && {
            let before = text[..m.start].to_lowercase();
            let before = before.trim_end();
            [
                "two",
                "three",
                "four",
                "2",
                "3",
                "4",
                "both",
                "pair of",
                "couple of",
            ]
            .iter()
            .any(|c| before.ends_with(c) || before.rsplit(' ').nth(1).is_some_and(|w| w == *c))
                || ["host", "commentator", "presenter"].contains(&m.role.as_deref().unwrap_or(""))
        };
        if m.plural && !m.named && !counted {
            continue;
        }
        if m.plural
            && !m.named
            && mentions[n + 1..].iter().any(|later| {
                later.named
                    && !text
                        .get(m.end..later.start)
                        .unwrap_or(".")
                        .contains(['.', ';', '!', '?'])
            })
        {
            continue;
        }
        let narrates = m.narrates;
        let m = match (&m.role, m.named) {
            (Some(r), false) => named_role(r).unwrap_or(m),
            _ => m,
        };
        let person = if m.named {
            let short = m.short.clone().unwrap();
            let name = m.name.clone().unwrap();
            // "marine biologist Dr. Amara Okafor": the words before the name, as written.
            // The words before the name as written, without "named" or punctuation.
            let kind = m.role.as_ref().and_then(|_| {
                let said = text.get(m.start..m.end)?;
                let words: Vec<String> = said
                    .split_whitespace()
                    .take_while(|w| {
                        let acronym = w.len() > 1
                            && w.chars()
                                .filter(|c| c.is_alphabetic())
                                .all(|c| c.is_ascii_uppercase());
                        acronym || !w.chars().next().is_some_and(char::is_uppercase)
                    })
                    .map(|w| {
                        w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                            .to_owned()
                    })
                    .filter(|w| {
                        !w.is_empty() && !["named", "called"].contains(&w.to_lowercase().as_str())
                    })
                    .map(|w| {
                        // "FBI agent" keeps its capitals; "Guest" is a plain word.
                        if w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase()) {
                            w
                        } else {
                            w.to_lowercase()
                        }
                    })
                    .collect();
                (!words.is_empty()).then(|| words.join(" "))
            });
            // "Adaeze Okafor, a night shift nurse at Leeds General Infirmary": what they do
            // follows the name.
            let kind = kind.or_else(|| (!m.modifier.is_empty()).then(|| m.modifier.join(" ")));
            // A titled name speaks as "Dr. Okafor"; a plain one by the first name.
            Person {
                character: short,
                role: m.role.clone(),
                title: name,
                named: true,
                gender: None,
                narrates,
                kind,
            }
        } else {
            let role = m.role.clone().unwrap();
            let mut title = m.modifier.clone();
            title.push(role.clone());
            Person {
                character: capitalise(&role),
                role: Some(role),
                title: title.join(" "),
                named: false,
                gender: None,
                narrates,
                kind: None,
            }
        };
        let idx = match people.iter().position(|p| p.character == person.character) {
            Some(i) => {
                // Keep the longest description ("chief engineer" over "engineer").
                if !people[i].named && person.title.len() > people[i].title.len() {
                    people[i].title = person.title.clone();
                }
                people[i].narrates |= narrates;
                i
            }
            None => {
                people.push(person);
                people.len() - 1
            }
        };
        order.push(idx);
        positions.push((start, end));
        let role = m.role.clone().unwrap_or_default();
        if m.plural && !m.named && people[idx].character == capitalise(&role) {
            if ["host", "commentator", "presenter", "anchor"].contains(&role.as_str()) {
                // "two commentators": the lead and a co-commentator.
                let co = Person::role_person(&format!("co-{role}"));
                let ci = people
                    .iter()
                    .position(|p| p.character == co.character)
                    .unwrap_or_else(|| {
                        people.push(co);
                        people.len() - 1
                    });
                order.push(ci);
                positions.push((m.end, m.end));
            } else {
                // "two friends": two people of that role, with names to tell them apart.
                people[idx] = Person {
                    character: "Sam".into(),
                    role: Some(role.clone()),
                    title: "Sam".into(),
                    named: true,
                    gender: None,
                    narrates: false,
                    kind: None,
                };
                people.push(Person {
                    character: "Alex".into(),
                    role: Some(role),
                    title: "Alex".into(),
                    named: true,
                    gender: None,
                    narrates: false,
                    kind: None,
                });
                order.push(people.len() - 1);
                positions.push((m.end, m.end));
            }
        }
    }
    // What the words say of each person's gender: their own mention first, then the first
    // pronoun after it that comes before anyone else is named. An object pronoun in their
    // own clause ("an owl who helps him") is someone else: the person named before them.
    let mut told_of_previous: Vec<(usize, Gender)> = Vec::new();
    for (idx, person) in people.iter_mut().enumerate() {
        let Some(n) = order.iter().position(|&o| o == idx) else {
            continue;
        };
        let (start, end) = positions[n];
        let next = positions
            .iter()
            .zip(&order)
            .filter(|((s, _), o)| *s >= end && **o != idx)
            .map(|((s, _), _)| *s)
            .min()
            .unwrap_or(text.len());
        let modifiers: Vec<&str> = mentions
            .iter()
            .filter(|m| m.start == start)
            .flat_map(|m| m.modifier.iter().map(String::as_str))
            .collect();
        let mut after = text.get(end..next).unwrap_or("");
        if let Some(g) = object_pronoun_in_clause(after) {
            let previous = positions
                .iter()
                .zip(&order)
                .filter(|((s, _), o)| *s < start && **o != idx)
                .max_by_key(|((s, _), _)| *s)
                .map(|(_, o)| *o);
            if let Some(p) = previous {
                told_of_previous.push((p, g));
                after = "";
            }
        }
        person.gender = gender_of(person, &modifiers, after);
    }
    for (p, g) in told_of_previous {
        people[p].gender.get_or_insert(g);
    }
    // Group: two people named one after the other talk together when the words between
    // them say so ("a reporter interviews the engineer", "Maya and Tom") and no step of the
    // running order ("then", "end with") comes between.
    let mut segments: Vec<Vec<usize>> = Vec::new();
    for (n, &who) in order.iter().enumerate() {
        let together = n > 0 && {
            let between = text[positions[n - 1].1..positions[n].0].to_lowercase();
            talk_together(&between)
        };
        match segments.last_mut() {
            Some(last) if together => {
                if !last.contains(&who) {
                    last.push(who);
                }
            }
            Some(last) if last.len() == 1 && last[0] == who => {}
            _ => segments.push(vec![who]),
        }
    }
    (people, segments)
}

fn talk_together(between: &str) -> bool {
    let breaks = [
        "then", "end", "finally", "after", "close", "closing", "start", "begin", "later", "next",
        "back",
    ];
    let joins = [
        "interview",
        "talk",
        "speak",
        "chat",
        "ask",
        "question",
        "debate",
        "discuss",
        "meet",
        "argue",
        "and",
        "with",
        "joined",
        "versus",
        "vs",
        "&",
    ];
    let words: Vec<&str> = between
        .split(|c: char| !c.is_alphanumeric() && c != '&')
        .filter(|w| !w.is_empty())
        .collect();
    if between.contains(['.', ';', '!', '?']) || words.len() > 8 {
        return false;
    }
    if words.iter().any(|w| breaks.contains(w)) {
        return false;
    }
    between.trim().is_empty()
        || words.iter().any(|w| {
            joins
                .iter()
                .any(|j| w.starts_with(j) && (j.len() > 3 || w == j))
        })
}

/// Sentence ends, not counting abbreviations such as `Dr.`.
fn sentences(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for (n, &(i, c)) in bytes.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let next_is_space = bytes.get(n + 1).is_none_or(|(_, c)| c.is_whitespace());
        if !next_is_space {
            continue;
        }
        let word_before = text[start..i]
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("")
            .to_lowercase();
        if c == '.'
            && ([
                "dr", "mr", "mrs", "ms", "prof", "st", "e.g", "i.e", "vs", "jr", "sr",
            ]
            .contains(&word_before.as_str())
                || is_initial(&text[start..i]))
        {
            continue;
        }
        out.push((start, &text[start..=i]));
        start = i + c.len_utf8();
        while text[start..].starts_with(' ') {
            start += 1;
        }
    }
    if start < text.len() {
        out.push((start, &text[start..]));
    }
    out
}

/// Words after which a subject starts, by how sure the rule is.
const SUBJECT_CUES: &[(&str, SubjectKind)] = &[
    (" topic: ", SubjectKind::Noun),
    // "a bulletin leading on the wildfire near Ronda": a bulletin's first story.
    (" leading on ", SubjectKind::Noun),
    (" leading with ", SubjectKind::Noun),
    (" leads on ", SubjectKind::Noun),
    (" leads with ", SubjectKind::Noun),
    (" subject: ", SubjectKind::Noun),
    (" theme: ", SubjectKind::Noun),
    (" reports that ", SubjectKind::Clause),
    (" announces that ", SubjectKind::Clause),
    (" reveals that ", SubjectKind::Clause),
    (" learns that ", SubjectKind::Clause),
    (" report that ", SubjectKind::Clause),
    (" reporting that ", SubjectKind::Clause),
    (" about ", SubjectKind::Noun),
    // "Co-hosts Bronwen and Marcus talk slugs, the wet summer and ...".
    (" talk ", SubjectKind::Noun),
    (" discuss ", SubjectKind::Noun),
    (" in which ", SubjectKind::Clause),
    (" where ", SubjectKind::Clause),
    (" on ", SubjectKind::Noun),
    (" for ", SubjectKind::Noun),
    (" of ", SubjectKind::Noun),
    (" after ", SubjectKind::Clause),
];

/// Whether `word` (lower case) names a kind of piece: `segment`, `episode`, `show`.
pub fn is_format_noun(word: &str) -> bool {
    FORMAT_NOUNS.contains(&word)
}

/// Format nouns after which "on", "for" and "of" start a subject.
const FORMAT_NOUNS: &[&str] = &[
    "segment",
    "explainer",
    "documentary",
    "commentary",
    "update",
    "forecast",
    "debate",
    "scene",
    "sketch",
    "report",
    "bulletin",
    "episode",
    "story",
    "podcast",
    "interview",
    "feature",
    "advert",
    "ad",
    "commercial",
    "advertisement",
    "meditation",
    "piece",
    "show",
    "spot",
    "jingle",
    "drama",
    "tale",
    "conversation",
    "discussion",
    "exercise",
    "promo",
    "session",
    "ident",
];

fn subject_and_show(
    text: &str,
    words: &[Word],
    genre: Genre,
    mentions: &[Mention],
) -> (Option<Subject>, Option<String>) {
    let mut show = quoted(text)
        .or_else(|| called(words))
        .or_else(|| station(words));
    let mut found: Option<(usize, Subject)> = None;
    'outer: for (cue, kind) in SUBJECT_CUES {
        for (s_start, sentence) in sentences(text) {
            let padded = format!(" {sentence}");
            let lower = padded.to_lowercase();
            let Some(at) = lower.find(cue) else {
                continue;
            };
            // "..., where did all the gold go?" asks a question; it is not a setting.
            if *cue == " where " {
                let next = lower[at + cue.len()..].split(' ').next().unwrap_or("");
                if [
                    "did", "does", "do", "is", "are", "was", "were", "can", "could", "will",
                    "would", "has", "have", "should",
                ]
                .contains(&next)
                {
                    continue;
                }
            }
            if matches!(*cue, " on " | " for " | " of ")
                && !(genre == Genre::Meditation && *cue == " for ")
            {
                // "a documentary, about 6 minutes, on beavers": look past the length.
                let mut before = lower[..at].trim_end().trim_end_matches(',').trim_end();
                for _ in 0..4 {
                    let Some((head, last)) = before.rsplit_once(' ') else {
                        break;
                    };
                    let last = last.trim_matches(|c: char| !c.is_alphanumeric());
                    if unit(last).is_some() || number(last).is_some() || last == "about" {
                        before = head.trim_end().trim_end_matches(',').trim_end();
                    } else {
                        break;
                    }
                }
                let last = before
                    .rsplit(|c: char| !c.is_alphanumeric())
                    .next()
                    .unwrap_or("");
                if !FORMAT_NOUNS.contains(&last) {
                    continue;
                }
            }
            // "Mars News reports that": the show.
            if *kind == SubjectKind::Clause && show.is_none() {
                let before = &padded[..at];
                let before = before.rsplit(':').next().unwrap_or(before).trim();
                if !before.is_empty()
                    && before
                        .split(' ')
                        .all(|w| w.chars().next().is_some_and(char::is_uppercase))
                    && before.split(' ').count() <= 4
                {
                    show = Some(before.to_owned());
                }
            }
            // `at` counts the space put in front of the sentence; no underflow at 0.
            let from = s_start + at + cue.len() - 1;
            let rest = &text[from..s_start + sentence.len()];
            let cut = subject_end(rest, from, mentions);
            let phrase = rest[..cut]
                .trim()
                .trim_end_matches(['.', '!', '?', ',', ';', ':'])
                .trim();
            // "about 3 minutes" gives a length, not a subject; "twenty minutes of rain
            // sounds" gives both.
            // "a talk show", "talk to the mayor", "talk through it": not what they talk.
            if matches!(*cue, " talk " | " discuss ") {
                let next = lower[at + cue.len()..].split(' ').next().unwrap_or("");
                if [
                    "show", "shows", "to", "with", "through", "radio", "about", "over", "it",
                    "and", "or",
                ]
                .contains(&next)
                {
                    continue;
                }
            }
            // "turns up after 3 weeks": how long, not what happened.
            if *cue == " after " && starts_with_duration(phrase) {
                continue;
            }
            // "A debate for sixth formers: should Cardiff ban cars?": "for" names who it is
            // for; what follows the colon is the subject.
            if *cue == " for " && phrase.contains(": ") {
                continue;
            }
            let only_length = requested_length(phrase).is_some() && phrase.split(' ').count() <= 3;
            let phrase = strip_length(phrase);
            if !phrase.is_empty() && !only_length {
                let kind = if matches!(*cue, " on " | " for " | " of ") && looks_like_clause(phrase)
                {
                    SubjectKind::Clause
                } else {
                    *kind
                };
                found = Some((
                    from,
                    Subject {
                        text: limit_words(phrase, 24),
                        kind,
                        cue: cue.trim(),
                    },
                ));
                break 'outer;
            }
        }
    }
    // "A news segment: the city opens a new bridge." A dash after a few words that name
    // the format does the same: "evening bulletin - dockers have walked out".
    let dash = || {
        [" - ", " – ", " — "].iter().find_map(|sep| {
            let i = text.find(sep)?;
            let head = tokens(&text[..i]);
            (head.len() <= 5
                && Genre::ALL
                    .iter()
                    .any(|g| first_of(&head, g.strong_words()).is_some()))
            .then_some((i, sep.len()))
        })
    };
    if found.is_none()
        && let Some((at, len)) = text.find(": ").map(|i| (i, 2)).or_else(dash)
    {
        let from = at + len;
        let first = sentences(&text[from..])
            .first()
            .map(|(_, s)| *s)
            .unwrap_or("");
        let cut = subject_end(first, from, mentions);
        let phrase = first[..cut]
            .trim()
            .trim_end_matches(['.', '!', '?', ',', ';', ':']);
        if !phrase.is_empty() {
            let kind = if looks_like_clause(phrase) {
                SubjectKind::Clause
            } else {
                SubjectKind::Noun
            };
            found = Some((
                from,
                Subject {
                    text: limit_words(&lowercase_article(phrase), 18),
                    kind,
                    cue: ":",
                },
            ));
        }
    }
    let mut subject = found.map(|(_, s)| s);
    // "an ad for a new electric scooter called Zip": the product is Zip.
    if genre == Genre::Advert
        && show.is_none()
        && let Some(i) = words
            .iter()
            .position(|w| w.lower == "called" || w.lower == "named")
        && let Some((_, parts)) = name_at(words, i + 1)
    {
        let name = parts.join(" ");
        if let Some(s) = &mut subject
            && let Some(at) = s.text.find(&format!(" {} {name}", words[i].lower))
        {
            s.text = s.text[..at].to_owned();
        }
        show = Some(name);
    }
    if genre == Genre::Advert {
        // "an advert for Luna Coffee, a new oat-milk latte": the product is the show.
        if let Some(s) = &subject
            && show.is_none()
        {
            let name: Vec<&str> = s
                .text
                .split(' ')
                .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
                .collect();
            if !name.is_empty() {
                show = Some(name.join(" ").trim_end_matches(',').to_owned());
            }
        }
    }
    if let Some(s) = &mut subject
        && let Some(name) = &show
        && let Some(at) = s.text.find(name.as_str())
        && genre == Genre::Advert
    {
        // Keep the description after the product name, if any.
        let rest = s.text[at + name.len()..]
            .trim_start_matches([',', ' '])
            .to_owned();
        if !rest.is_empty() {
            s.text = rest;
            s.kind = SubjectKind::Noun;
        }
    }
    (subject, show)
}

/// Whether a phrase starts with a span of time: "3 weeks", "two long years".
fn starts_with_duration(phrase: &str) -> bool {
    let words: Vec<String> = phrase
        .split_whitespace()
        .take(3)
        .map(|w| w.to_lowercase())
        .collect();
    let span = |w: &str| {
        unit(w).is_some()
            || [
                "day", "days", "week", "weeks", "month", "months", "year", "years", "decade",
                "decades", "night", "nights",
            ]
            .contains(&w)
    };
    match words.as_slice() {
        [n, w, ..] if number(n).is_some() || n == "a" || n == "an" => {
            span(w) || words.get(2).is_some_and(|w| span(w))
        }
        _ => false,
    }
}

/// A radio station the piece is for, named by its band: "for harrogate fm" → `Harrogate
/// FM`, "on Radio Clyde" is left to the capitalised-name rules.
fn station(words: &[Word]) -> Option<String> {
    let k = words.iter().position(|w| w.lower == "fm")?;
    let from = words[..k]
        .iter()
        .rposition(|w| ["for", "on", "from"].contains(&w.lower.as_str()))?;
    let name = &words[from + 1..k];
    if name.is_empty()
        || name.len() > 2
        || name
            .iter()
            .any(|w| STOP.contains(&w.lower.as_str()) || !w.raw.chars().all(char::is_alphabetic))
    {
        return None;
    }
    let mut parts: Vec<String> = name.iter().map(|w| capitalise(&w.lower)).collect();
    parts.push(words[k].lower.to_uppercase());
    Some(parts.join(" "))
}

/// A subject without the length in front of it: "twenty minutes of rain sounds" → "rain
/// sounds".
fn strip_length(phrase: &str) -> &str {
    let words: Vec<&str> = phrase.splitn(4, ' ').collect();
    if let [n, u, "of", rest] = words.as_slice()
        && (number(&n.to_lowercase()).is_some())
        && unit(&u.to_lowercase()).is_some()
    {
        return rest;
    }
    phrase
}

/// Where a subject phrase ends: at a step of the running order, a comma, or a mention of
/// someone who takes part ("with Dr. Okafor").
fn subject_end(rest: &str, offset: usize, mentions: &[Mention]) -> usize {
    let lower = rest.to_lowercase();
    // "Luna Coffee, a new oat-milk latte, ...": a name and what it is stay together.
    let skip = match lower.find(", ") {
        Some(i)
            if rest[..i]
                .split(' ')
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
                && ["a ", "an ", "the "]
                    .iter()
                    .any(|a| lower[i + 2..].starts_with(a)) =>
        {
            i + 2
        }
        _ => 0,
    };
    let mut cut = rest.len();
    for stop in [
        ", ",
        "; ",
        " — ",
        " - ",
        " then ",
        " starting with ",
        " start with ",
        " told by ",
        " hosted by ",
        " narrated by ",
        " featuring ",
        " with music",
        " with sound",
        " with an upbeat",
        " with a jingle",
        " set in ",
        " set on ",
        " set at ",
    ] {
        if let Some(i) = lower[skip..].find(stop) {
            cut = cut.min(skip + i);
        }
    }
    // "in a calm and thoughtful tone"
    for lead in [" in a ", " in an ", " in the "] {
        if let Some(i) = lower.find(lead)
            && lower[i..].split(' ').take(6).any(|w| {
                ["tone", "style", "voice", "mood", "manner"]
                    .contains(&w.trim_matches(|c: char| !c.is_alphanumeric()))
            })
        {
            cut = cut.min(i);
        }
    }
    for m in mentions {
        if m.start > offset && m.start < offset + cut {
            let before = lower[..m.start - offset].trim_end();
            for w in [" with", " by", " and", " between", " featuring"] {
                if before.ends_with(w) {
                    cut = cut.min(before.len() - w.len());
                }
            }
            if before.ends_with(" with the") || before.ends_with(" with a") {
                cut = cut.min(before.rfind(" with ").unwrap());
            }
        }
    }
    // "interviews the chief engineer": a subject ends before the people who talk about it
    if let Some(i) = lower.find(" with the ").or_else(|| lower.find(" with a ")) {
        let after = &lower[i + 6..];
        if after
            .split(' ')
            .take(4)
            .any(|w| singular(w.trim_matches(|c: char| !c.is_alphanumeric())).is_some())
        {
            cut = cut.min(i);
        }
    }
    cut
}

fn looks_like_clause(phrase: &str) -> bool {
    let words: Vec<String> = phrase
        .split(' ')
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    // "the keeper finds a message": a verb right after a short noun phrase.
    if words
        .first()
        .is_some_and(|w| ["the", "a", "an"].contains(&w.as_str()))
        && words
            .iter()
            .skip(2)
            .take(2)
            .any(|w| w.len() > 3 && (w.ends_with("ed") || (w.ends_with('s') && !w.ends_with("ss"))))
    {
        return true;
    }
    if words.first().is_some_and(|w| {
        [
            "how", "why", "what", "when", "whether", "who", "the", "a", "an",
        ]
        .contains(&w.as_str())
    }) && !words
        .iter()
        .skip(1)
        .any(|w| ["is", "are", "was", "were", "has", "have", "had", "will"].contains(&w.as_str()))
    {
        return false;
    }
    words.iter().skip(1).any(|w| {
        [
            "is",
            "are",
            "was",
            "were",
            "has",
            "have",
            "had",
            "will",
            "can",
            "could",
            "sent",
            "found",
            "won",
            "wins",
            "opens",
            "opened",
            "finds",
            "discovers",
            "learns",
            "lost",
            "built",
            "made",
            "became",
            "goes",
            "went",
            "gets",
            "got",
        ]
        .contains(&w.as_str())
            || (w.len() > 4 && w.ends_with("ed"))
    })
}

fn lowercase_article(phrase: &str) -> String {
    for a in ["A ", "An ", "The "] {
        if let Some(rest) = phrase.strip_prefix(a) {
            return format!("{}{rest}", a.to_lowercase());
        }
    }
    phrase.to_owned()
}

fn limit_words(phrase: &str, max: usize) -> String {
    phrase
        .split(' ')
        .take(max)
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches([',', ';', ':'])
        .to_owned()
}

/// A name in quotes: `"The Weekend Gardener"`.
fn quoted(text: &str) -> Option<String> {
    for (open, close) in [('"', '"'), ('“', '”'), ('\'', '\'')] {
        if let Some(a) = text.find(open) {
            let from = a + open.len_utf8();
            if let Some(b) = text[from..].find(close) {
                let inner = text[from..from + b].trim();
                if !inner.is_empty()
                    && inner.split(' ').count() <= 6
                    && inner.chars().next().is_some_and(char::is_uppercase)
                {
                    return Some(inner.to_owned());
                }
            }
        }
    }
    None
}

/// Nouns whose name is the product of an advert or the show.
const BUSINESSES: &[&str] = &[
    "startup",
    "company",
    "shop",
    "store",
    "brand",
    "café",
    "cafe",
    "restaurant",
    "app",
    "product",
    "bakery",
    "band",
    "firm",
    "business",
    "service",
    "game",
    "book",
    "drink",
];

/// A name after "called" or "named" that names the show, not a person.
fn called(words: &[Word]) -> Option<String> {
    for (i, w) in words.iter().enumerate() {
        if (w.lower == "called" || w.lower == "named" || w.lower == "titled")
            && i > 0
            && (FORMAT_NOUNS.contains(&words[i - 1].lower.as_str())
                || BUSINESSES.contains(&words[i - 1].lower.as_str()))
        {
            let mut parts = Vec::new();
            for n in &words[i + 1..] {
                let cap = n.raw.chars().next().is_some_and(char::is_uppercase);
                let joiner = ["of", "the", "and", "in", "on"].contains(&n.lower.as_str());
                if !cap && (!joiner || parts.is_empty()) {
                    break;
                }
                parts.push(n.raw.clone());
                if parts.len() == 6 {
                    break;
                }
            }
            while parts
                .last()
                .is_some_and(|p| p.chars().next().is_some_and(char::is_lowercase))
            {
                parts.pop();
            }
            if !parts.is_empty() {
                return Some(parts.join(" "));
            }
        }
    }
    // Capitalised words that name a show: "The Morning Hour", "Mars News".
    let mut i = 0;
    while i < words.len() {
        if let Some((_, parts)) = name_at(words, i)
            && parts.len() >= 2
            && parts.iter().any(|p| {
                [
                    "News", "Show", "Hour", "Radio", "Podcast", "Daily", "Weekly", "Tonight",
                    "Today", "FM", "Report", "Gazette", "Times", "Hour",
                ]
                .contains(&p.as_str())
            })
        {
            return Some(parts.join(" "));
        } else if let Some((j, _)) = name_at(words, i) {
            i = j;
            continue;
        }
        i += 1;
    }
    None
}

/// A requested length in seconds: "a 2-minute podcast", "90-second", "five minutes",
/// "30 s", "1.5 min", "2 minutes and 30 seconds", "half an hour".
pub fn requested_length(text: &str) -> Option<f64> {
    // "a 24-hour gym" describes something else; a piece is never hours long.
    let lower = text
        .to_lowercase()
        .replace("-hour", " hourlong")
        .replace(['-', '–'], " ");
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    let mut total = 0.0;
    let mut found = false;
    let mut i = 0;
    while i < words.len() {
        let w = words[i].trim_end_matches(['.', '!', '?', ';', ':']);
        // "half an hour", "half a minute"
        if w == "half"
            && i + 2 < words.len()
            && ["a", "an"].contains(&words[i + 1])
            && let Some(u) = unit(words[i + 2].trim_end_matches(['.', ',']))
        {
            total += 0.5 * u;
            found = true;
            i += 3;
            continue;
        }
        // "90s", "2min", "1.5m"
        let split = w
            .find(|c: char| c.is_alphabetic())
            .filter(|&k| k > 0 && w[..k].chars().all(|c| c.is_ascii_digit() || c == '.'));
        let (num, unit_word, used) = if let Some(k) = split {
            (number(&w[..k]), Some(&w[k..]), 1)
        } else {
            let n = number(w);
            // "one and a half minutes", "1 and a half hours"
            if n.is_some()
                && words.get(i + 1) == Some(&"and")
                && words.get(i + 2) == Some(&"a")
                && words.get(i + 3) == Some(&"half")
            {
                (n.map(|x| x + 0.5), words.get(i + 4).copied(), 5)
            } else {
                (n, words.get(i + 1).copied(), 2)
            }
        };
        // "the last ten minutes of a cup final" is a stretch of the event, not the piece.
        // "delays of 40 minutes" is a fact of the piece; "a podcast of 10 minutes" its length.
        let of_the_event = i > 0
            && (["last", "first", "final", "opening", "closing"].contains(&words[i - 1])
                || (words[i - 1] == "of"
                    && i > 1
                    && !FORMAT_NOUNS.contains(&words[i - 2])
                    && !["length", "duration", "total", "runtime"].contains(&words[i - 2])));
        if let (Some(n), Some(u)) = (num, unit_word)
            && let Some(secs) = unit(u.trim_end_matches(['.', '!', '?', ';', ':']))
            && n > 0.0
            && !of_the_event
        {
            // "a minute" only counts as a length with "long"/"-minute" forms nearby; a
            // plain article before a unit ("a minute of silence") counts too.
            total += n * secs;
            found = true;
            i += used;
            continue;
        }
        i += 1;
    }
    found.then_some(total)
}

fn unit(w: &str) -> Option<f64> {
    match w {
        "s" | "sec" | "secs" | "second" | "seconds" => Some(1.0),
        "m" | "min" | "mins" | "minute" | "minutes" => Some(60.0),
        "h" | "hr" | "hrs" | "hour" | "hours" => Some(3600.0),
        _ => None,
    }
}

fn number(w: &str) -> Option<f64> {
    if let Ok(x) = w.parse::<f64>() {
        return Some(x);
    }
    let words = [
        ("a", 1.0),
        ("an", 1.0),
        ("one", 1.0),
        ("two", 2.0),
        ("three", 3.0),
        ("four", 4.0),
        ("five", 5.0),
        ("six", 6.0),
        ("seven", 7.0),
        ("eight", 8.0),
        ("nine", 9.0),
        ("ten", 10.0),
        ("eleven", 11.0),
        ("twelve", 12.0),
        ("fifteen", 15.0),
        ("twenty", 20.0),
        ("thirty", 30.0),
        ("forty", 40.0),
        ("forty five", 45.0),
        ("fifty", 50.0),
        ("sixty", 60.0),
        ("ninety", 90.0),
    ];
    words.iter().find(|(k, _)| *k == w).map(|(_, v)| *v)
}

/// `engineer` → `Engineer`, `co-host` → `Co-host`.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARS: &str = "A science-fiction news segment: Mars News reports that humans sent a \
        light-speed probe to Alpha Centauri. Start with the news anchor, then a reporter \
        interviews the chief engineer, and end with the anchor.";

    fn names(a: &Analysis) -> Vec<String> {
        a.segments
            .iter()
            .map(|s| {
                s.iter()
                    .map(|&i| a.people[i].character.clone())
                    .collect::<Vec<_>>()
                    .join("+")
            })
            .collect()
    }

    #[test]
    fn mars_brief_roles_in_order_subject_and_show() {
        let a = analyse(MARS);
        assert_eq!(a.genre, Genre::News);
        assert_eq!(names(&a), ["Anchor", "Reporter+Engineer", "Anchor"]);
        assert_eq!(a.people[2].the(), "the chief engineer");
        assert_eq!(a.people[0].the(), "the news anchor");
        let s = a.subject.unwrap();
        assert_eq!(s.text, "humans sent a light-speed probe to Alpha Centauri");
        assert_eq!(s.kind, SubjectKind::Clause);
        assert_eq!(a.show.as_deref(), Some("Mars News"));
        assert_eq!(a.flavour, Some("science fiction"));
        assert_eq!(a.setting.unwrap().name, "mission control");
        assert_eq!(a.length_s, None);
    }

    #[test]
    fn genders_from_roles_titles_names_and_pronouns() {
        let genders = |brief: &str| -> Vec<(String, Option<Gender>)> {
            analyse(brief)
                .people
                .into_iter()
                .map(|p| (p.character, p.gender))
                .collect()
        };
        let (f, m) = (Some(Gender::Female), Some(Gender::Male));
        assert_eq!(
            genders(
                "A news segment: the anchor Maya introduces a reporter, who interviews the \
                 chief engineer about his new rover."
            ),
            [
                ("Maya".to_owned(), f),
                ("Reporter".to_owned(), None),
                ("Engineer".to_owned(), m)
            ]
        );
        assert_eq!(
            genders("A bedtime story about a king and a witch."),
            [("King".to_owned(), m), ("Witch".to_owned(), f)]
        );
        assert_eq!(
            genders("An interview: Mr. Patel talks with Dr. Ada Okafor about her research."),
            [("Mr. Patel".to_owned(), m), ("Dr. Okafor".to_owned(), f)]
        );
    }

    #[test]
    fn titled_names_and_named_roles() {
        let a = analyse(
            "An interview with Dr. Ada Okafor about coral reefs in the Pacific, in a calm tone.",
        );
        assert_eq!(a.genre, Genre::Interview);
        assert_eq!(a.people[0].character, "Dr. Okafor");
        assert_eq!(a.people[0].the(), "Dr. Ada Okafor");
        assert_eq!(a.subject.unwrap().text, "coral reefs in the Pacific");
        assert_eq!(a.mood, Some(Mood::Calm));

        let a =
            analyse("A podcast where hosts Maya and Tom chat about growing tomatoes on a balcony.");
        assert_eq!(a.genre, Genre::Podcast);
        assert_eq!(names(&a), ["Maya+Tom"]);
        let a = analyse("A bedtime story about a fox named Rusty who gets lost in the forest.");
        assert_eq!(a.genre, Genre::Story);
        assert_eq!(a.people[0].character, "Rusty");
        assert_eq!(a.setting.unwrap().name, "forest");
    }

    #[test]
    fn lengths() {
        for (text, want) in [
            ("a 2-minute podcast about bees", Some(120.0)),
            ("A 90-second advert for Luna Coffee", Some(90.0)),
            ("five minutes of calm", Some(300.0)),
            ("a 30 s promo", Some(30.0)),
            ("1.5 min news", Some(90.0)),
            ("2 minutes and 30 seconds", Some(150.0)),
            ("half an hour meditation", Some(1800.0)),
            ("an advert for a 24-hour gym", None),
            ("a 45s spot", Some(45.0)),
            ("a one-minute story", Some(60.0)),
            ("a news segment about Mars", None),
        ] {
            assert_eq!(requested_length(text), want, "{text}");
        }
    }

    #[test]
    fn setting_and_mood() {
        let a = analyse("An eerie audio drama set in a haunted lighthouse during a storm.");
        assert_eq!(a.genre, Genre::Drama);
        assert_eq!(a.mood, Some(Mood::Eerie));
        assert_eq!(a.setting.unwrap().name, "beach");
        let a = analyse("A calm guided meditation by the ocean for people who cannot sleep.");
        assert_eq!(a.genre, Genre::Meditation);
        assert_eq!(a.mood, Some(Mood::Calm));
        assert_eq!(a.setting.unwrap().name, "beach");
        let a = analyse("An upbeat podcast recorded in a busy café about street food.");
        assert_eq!(a.mood, Some(Mood::Upbeat));
        assert_eq!(a.setting.unwrap().name, "café");
    }

    #[test]
    fn genre_by_the_earliest_format_word() {
        assert_eq!(
            analyse("A news report on a podcast award").genre,
            Genre::News
        );
        assert_eq!(analyse("A podcast about the news").genre, Genre::Podcast);
        assert_eq!(
            analyse("A 30-second commercial for running shoes").genre,
            Genre::Advert
        );
        // No format word: the closest genre, and the planner says it guessed.
        let a = analyse("Two friends argue about pizza");
        assert_eq!((a.genre, a.genre_said), (Genre::Drama, true));
        let a = analyse("asdkj qwe zxcv blorp");
        assert_eq!((a.genre, a.genre_said), (Genre::Podcast, false));
        // One slip in a format word still names it.
        assert_eq!(analyse("an interveiw with a baker").genre, Genre::Interview);
        assert_eq!(
            analyse("a short meditaton for sleep").genre,
            Genre::Meditation
        );
        assert!(one_slip("podcats", "podcast") && !one_slip("podium", "podcast"));
        for (brief, genre) in [
            (
                "tennis commentary: match point at Wimbledon",
                Genre::Commentary,
            ),
            (
                "debate podcast: should cities ban cars from the centre?",
                Genre::Debate,
            ),
            (
                "morning traffic and weather update for Leeds",
                Genre::Weather,
            ),
            (
                "true crime podcast about a bank robbery",
                Genre::Documentary,
            ),
            ("radio drama scene: two sailors in a storm", Genre::Drama),
        ] {
            assert_eq!(analyse(brief).genre, genre, "{brief}");
        }
    }

    #[test]
    fn an_animal_making_its_sound_is_a_sound_not_a_speaker() {
        let a = analyse(
            "a radio drama: a vet, Sam, is called to a farm at night and the farmer's dog barks",
        );
        assert!(
            a.people.iter().all(|p| p.character != "Dog"),
            "{:?}",
            names(&a)
        );
        assert!(a.people.iter().any(|p| p.character == "Sam"));
        // A talking animal in a story is still a character.
        let a = analyse("a bedtime story about a dog who wants to fly");
        assert!(
            a.people.iter().any(|p| p.character == "Dog"),
            "{:?}",
            names(&a)
        );
    }

    #[test]
    fn people_as_briefs_name_them() {
        // A role, then a titled name; the host after "hosted by".
        let a = analyse("interview with marine biologist Dr. Amara Okafor, hosted by James");
        assert_eq!(names(&a), ["Dr. Okafor", "James"]);
        assert_eq!(a.people[0].gender, Some(Gender::Female));
        assert!(a.people[1].is_role(&["host"]));
        // A surname that is also a role, and a word for what someone does before a name.
        let a = analyse("a podcast with nurse Tom Baker and sprinter Marcus Bell");
        assert_eq!(names(&a), ["Tom+Marcus"]);
        assert_eq!(a.people[0].title, "Tom Baker");
        assert!(a.guests);
        // The plural is the named people who follow it; uncounted crowds do not speak.
        let a = analyse(
            "drama: two astronauts, Commander Elena Ruiz and engineer Kofi, argue as \
             firefighters arrive",
        );
        assert_eq!(names(&a), ["Commander Ruiz+Kofi"]);
        // Whoever reads it tells it.
        let a = analyse("a children's story about a hedgehog called Pip, read by a grandmother");
        let reader = a.people.iter().find(|p| p.narrates).expect("a reader");
        assert_eq!(reader.character, "Grandmother");
        assert!(a.people.iter().any(|p| p.character == "Pip"));
        // "the last ten minutes of" the match is not the piece's length.
        let a = analyse(
            "football commentary, the last ten minutes of a cup final between Rovers and City",
        );
        assert_eq!(a.length_s, None);
        let teams: Vec<&str> = a.names.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(teams, ["Rovers", "City"]);
    }

    #[test]
    fn an_aside_gives_the_part_of_the_person_just_named() {
        let a = analyse(
            "a true crime episode told by a narrator, with a retired FBI agent, Carol \
             Denning, coming in as a guest to give her take",
        );
        let who: Vec<&str> = a.people.iter().map(|p| p.character.as_str()).collect();
        assert_eq!(who, ["Narrator", "Carol"]);
        let carol = &a.people[1];
        assert_eq!(carol.title, "Carol Denning");
        assert_eq!(carol.gender, Some(Gender::Female));
        assert_eq!(carol.kind.as_deref(), Some("retired FBI agent"));
        assert_eq!(carol.introduced(), "retired FBI agent Carol Denning");
    }

    #[test]
    fn the_words_before_a_name_say_what_they_do_once() {
        let a = analyse(
            "a debate on a tourist tax: councillor Fiona Grant for it, hotel owner Rajesh \
             Mehta against",
        );
        let rajesh = a.people.iter().find(|p| p.character == "Rajesh").unwrap();
        assert_eq!(rajesh.kind.as_deref(), Some("hotel owner"));
        assert_eq!(rajesh.gender, Some(Gender::Male));
        let a = analyse("a story about an old lighthouse keeper named Ewan");
        assert_eq!(a.people[0].kind.as_deref(), Some("old lighthouse keeper"));
        assert_eq!(a.people[0].gender, Some(Gender::Male));
    }

    #[test]
    fn an_object_pronoun_in_a_clause_is_someone_else() {
        let a = analyse(
            "a story about a little hedgehog called Pip who is scared of the dark, and a \
             friendly owl named Hoot who helps him",
        );
        let gender = |c: &str| a.people.iter().find(|p| p.character == c).unwrap().gender;
        assert_eq!(gender("Pip"), Some(Gender::Male));
        assert_eq!(gender("Hoot"), None);
        // A possessive stays with the person named: "Maya and her dog".
        let a = analyse("a story about a girl called Maya who loses her dog");
        assert_eq!(a.people[0].gender, Some(Gender::Female));
    }

    #[test]
    fn a_role_word_that_names_a_kind_of_piece_is_nobody() {
        let a = analyse(
            "Radio drama. Lisbon, 1944. Spy thriller: agent Klara Weiss meets her contact, \
             Mr Oliveira, in a smoky cafe",
        );
        let who: Vec<&str> = a.people.iter().map(|p| p.character.as_str()).collect();
        assert_eq!(who, ["Klara", "Mr. Oliveira"]);
        // "Lisbon, 1944." sets the scene, and the premise is told whole.
        assert_eq!(a.scene.first().map(String::as_str), Some("Lisbon, 1944"));
        assert_eq!(
            a.premise_sentence.as_deref(),
            Some("agent Klara Weiss meets her contact, Mr Oliveira, in a smoky cafe")
        );
    }

    #[test]
    fn a_format_word_typed_with_a_doubled_letter_is_understood() {
        let a = analyse("a short storry about a lighthouse keeper");
        assert_eq!(a.genre, Genre::Story);
        assert!(a.genre_said);
        // "stormy" is a word of its own, not a slip for "story".
        assert_ne!(
            analyse("something stormy about the sea").genre,
            Genre::Story
        );
    }

    #[test]
    fn a_sentence_start_is_no_name_for_the_sounds() {
        let a = analyse("Guided meditation to help me sleep. Rain on a tent in a pine forest.");
        assert!(a.sounds.iter().any(|s| s.key == "rain"), "{:?}", a.sounds);
        // A name at a sentence start still is one: "Silver Storm" is a horse.
        let a = analyse("Racing commentary. Silver Storm leads at the last fence.");
        assert!(!a.sounds.iter().any(|s| s.key == "thunder"));
    }

    #[test]
    fn a_dash_after_the_format_starts_the_subject() {
        let a = analyse("evening bulletin - dockers at the port have walked out over pay");
        assert_eq!(a.genre, Genre::News);
        let s = a.subject.unwrap();
        assert_eq!(s.text, "dockers at the port have walked out over pay");
        assert_eq!(s.kind, SubjectKind::Clause);
        assert!(a.sounds.iter().any(|s| s.key == "chant"));
        assert_eq!(a.setting.map(|s| s.name), Some("harbour"));
    }

    #[test]
    fn initials_and_numbers_do_not_end_a_clause() {
        let a = analyse(
            "a true crime episode on the D.B. Cooper case - in 1971 a man bought a ticket in \
             Portland, got $200,000 in ransom and was never found",
        );
        assert_eq!(a.subject.unwrap().text, "the D.B. Cooper case");
        assert_eq!(
            a.details,
            [
                "in 1971 a man bought a ticket in Portland",
                "got $200,000 in ransom and was never found"
            ]
        );
    }

    #[test]
    fn a_duration_of_something_else_is_no_length() {
        assert_eq!(
            requested_length("45 second traffic report, delays of 40 minutes"),
            Some(45.0)
        );
        assert_eq!(requested_length("a podcast of 10 minutes"), Some(600.0));
    }

    #[test]
    fn calm_words_and_idents_name_the_closest_genre() {
        let a = analyse("something peaceful about a mountain lake at dawn");
        assert_eq!(a.genre, Genre::Meditation);
        assert_eq!(a.setting.map(|s| s.name), Some("lake"));
        assert_eq!(
            analyse("10 sec station ident for Hilltop FM on 97.4").genre,
            Genre::Advert
        );
    }

    #[test]
    fn odd_briefs_read_without_panicking() {
        for text in [
            "D. . . , - - ;;; 1,2.3",
            "Kelvin \u{212a}over yellow fever",
            "A.",
            "x - ",
            "weather for",
            "Cover",
            "\u{212a}",
        ] {
            let _ = analyse(text);
            let _ = clause_pieces(text);
        }
    }

    #[test]
    fn a_name_set_off_by_commas_after_a_role_is_that_person() {
        let a = analyse("drama: a young baker, Tariq, quarrels with his mother about the shop");
        assert_eq!(a.people[0].character, "Tariq");
        assert_eq!(a.people[0].role.as_deref(), Some("baker"));
        let a = analyse("a ghost story: two divers, Nadia and Kofi, hear bells under the sea");
        let who: Vec<&str> = a.people.iter().map(|p| p.character.as_str()).collect();
        assert_eq!(who, ["Nadia", "Kofi"]);
    }

    #[test]
    fn an_appositive_after_a_name_says_what_they_do() {
        let a = analyse(
            "interview with Grace Mensah, a night porter at Leeds Station, about lost property",
        );
        assert_eq!(a.people.len(), 1, "{:?}", a.people);
        let p = &a.people[0];
        assert_eq!(p.role.as_deref(), Some("porter"));
        assert_eq!(p.kind.as_deref(), Some("night porter at Leeds Station"));
        assert_eq!(
            p.introduced(),
            "Grace Mensah, a night porter at Leeds Station"
        );
    }

    #[test]
    fn people_named_in_brackets_after_me_or_heard_from() {
        let a = analyse("podcast where me (Kenji) and my mate Dev argue about football");
        assert_eq!(a.people[0].character, "Kenji");
        let a = analyse("a documentary about oyster farming; hear from Harriet about the beds");
        assert!(a.people.iter().any(|p| p.character == "Harriet"));
    }

    #[test]
    fn a_mood_asked_for_outranks_one_implied() {
        let a = analyse("podcast where two mates argue about cheese, keep it funny");
        assert_eq!(a.mood, Some(Mood::Funny));
        let a = analyse("two sisters argue about the will");
        assert_eq!(a.mood, Some(Mood::Dramatic));
    }

    #[test]
    fn subjects_from_how_briefs_word_them() {
        // A bulletin's lead story.
        let a = analyse("a bulletin leading on the floods in Hull, where homes are empty");
        assert_eq!(a.subject.unwrap().text, "the floods in Hull");
        // Who it is for is not the subject; the question after the colon is.
        let a = analyse("A debate for year nines: should phones be banned at school?");
        assert_eq!(a.subject.unwrap().text, "should phones be banned at school");
        // A span of time is not what happened; a station is the show.
        let a = analyse("news for bay fm - the pier reopens after 2 years");
        assert_eq!(a.show.as_deref(), Some("Bay FM"));
        assert_ne!(a.subject.map(|s| s.text).as_deref(), Some("2 years"));
        // "talk X": what they talk about.
        let a = analyse("Hosts Sam and Ali talk beetles, the dry spring and more.");
        assert_eq!(a.subject.unwrap().text, "beetles");
    }

    #[test]
    fn a_scene_at_a_moment_is_a_drama_with_its_radio() {
        let a = analyse(
            "a ferry captain, the night of the gale, radioing the coastguard as the engine fails",
        );
        assert_eq!(a.genre, Genre::Drama);
        assert!(a.people.iter().any(|p| p.character == "Coastguard"));
        assert!(a.sounds.iter().any(|s| s.key == "static"));
        let a = analyse("story: a miner hears tapping in the dark");
        assert!(a.sounds.iter().any(|s| s.key == "tap"));
    }

    #[test]
    fn first_names_from_many_places_give_a_gender() {
        let a = analyse("a chat show with Giorgos and Ayesha swapping recipes");
        let g: Vec<_> = a
            .people
            .iter()
            .map(|p| (p.character.as_str(), p.gender))
            .collect();
        assert_eq!(
            g,
            [
                ("Giorgos", Some(Gender::Male)),
                ("Ayesha", Some(Gender::Female))
            ]
        );
    }

    #[test]
    fn a_boss_named_before_their_name_speaks() {
        let a = analyse(
            "debate on a four-day week between union rep Sam Cole and factory boss Priya Shah",
        );
        assert!(
            a.people.iter().any(|p| p.character.starts_with("Priya")),
            "{:?}",
            a.people
        );
    }

    #[test]
    fn a_role_does_not_take_the_next_sentence_first_word_as_its_name() {
        let a = analyse("A spooky tale for teenagers. Add a narrator. Roughly 3 minutes.");
        assert!(
            a.people
                .iter()
                .all(|p| p.character != "Roughly" && p.character != "Add"),
            "{:?}",
            a.people
        );
        assert!(a.people.iter().any(|p| p.character == "Narrator"));
    }

    #[test]
    fn everyday_words_for_sounds_become_sounds() {
        let keys = |t: &str| analyse(t).sounds.iter().map(|s| s.key).collect::<Vec<_>>();
        assert!(
            keys("short drama: two kids stuck at a bus stop and it's pouring down")
                .contains(&"rain")
        );
        assert!(keys("news: a blaze in the hills above the town").contains(&"fire"));
        assert!(keys("story about a goat that escapes from the farm").contains(&"goat"));
        assert!(keys("drama at the school talent contest").contains(&"applause"));
        assert!(keys("comedy sketch: a cook drops all the saucepans").contains(&"sizzl"));
    }

    #[test]
    fn a_restaurant_or_a_shelter_sets_the_scene() {
        let a = analyse("a drama set in a tiny bistro on the night a famous critic comes");
        assert_eq!(a.setting.map(|s| s.name), Some("restaurant"));
        let a = analyse("news report from a village hall where flood victims are sleeping");
        assert_eq!(a.setting.map(|s| s.name), Some("hall"));
    }

    #[test]
    fn a_talk_to_a_team_is_a_scene() {
        let a = analyse("the captain's pep talk to her rowing crew before the final");
        assert_eq!(a.genre, Genre::Drama);
    }

    #[test]
    fn a_name_set_off_by_commas_keeps_what_they_do() {
        let a = analyse(
            "a mystery story. the caretaker, Bernard, finds a locked room nobody has opened",
        );
        let p = a.premise.unwrap();
        assert!(p.contains("Bernard") && p.contains("locked room"), "{p}");
    }
}
