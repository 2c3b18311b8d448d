//! More topics for long conversations: once the main questions are asked, a long podcast,
//! interview or documentary turns to these, so that no line is said twice.

use super::Facet;

pub(super) const FACETS: &[Facet] = &[
    Facet {
        questions: &[
            "Let's talk about money. What does {thing} really cost?",
            "Who pays for {thing}, in the end?",
        ],
        answers: &[
            "Less than people fear, and more than the optimists say. The hidden costs are time and attention.",
            "Usually the people with the least say in it. That's worth remembering every time the subject comes up.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What did the early days look like?",
            "Take us back to the very start.",
        ],
        answers: &[
            "Chaotic, and wonderful. Nobody knew the rules yet, so everybody made their own.",
            "A handful of people in a small room, arguing late into the night about what mattered.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "Who are the unsung heroes here?",
            "Whose part in this gets forgotten?",
        ],
        answers: &[
            "The people who did the unglamorous work, year after year, without ever being thanked.",
            "The ones who kept the records. Without them, we would know almost nothing.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What's a common myth you'd love to put to rest?",
            "What do you wish people would stop saying about {thing}?",
        ],
        answers: &[
            "That it all happened overnight. It took decades of slow, patient work.",
            "That it's only for a certain kind of person. The history says otherwise.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What about the numbers? What do they tell us?",
            "Is there one figure that sums it up for you?",
        ],
        answers: &[
            "They tell us the scale, but not the meaning. For that you have to listen to people.",
            "One in three. That's how many people are touched by this in some way, and most never realise it.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What went badly wrong along the way?",
            "Was there a moment it nearly all fell apart?",
        ],
        answers: &[
            "More than once. There was one winter when it looked as if everything would have to stop.",
            "A decision made in a hurry, for the wrong reasons, which took years to put right.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "How does this look from the outside, to people from elsewhere?",
            "Do other places see {thing} differently?",
        ],
        answers: &[
            "Very differently. What seems normal here looks remarkable, even strange, from far away.",
            "Some are envious, some are puzzled. Almost nobody is indifferent.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What does a normal day look like for the people involved?",
            "Paint us a picture of everyday life.",
        ],
        answers: &[
            "Early starts, a lot of routine, and every so often a day nobody will ever forget.",
            "Ordinary, mostly. That's the thing people miss. The extraordinary sits right next to the everyday.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "Where did the big ideas come from?",
            "What inspired the people behind it?",
        ],
        answers: &[
            "From borrowing, mostly. Good ideas travel, and they change a little every time they move.",
            "Curiosity, and a bit of stubbornness. They refused to accept that things had to stay as they were.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "Who were the rivals, and what did they want?",
            "Was there real opposition?",
        ],
        answers: &[
            "Plenty. And to be fair to them, some of their warnings turned out to be right.",
            "There always is. The arguments were fierce, and they shaped what came next.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What's the best book or source for someone who wants to know more?",
            "Where should a curious listener go next?",
        ],
        answers: &[
            "Start with the first-hand accounts. Letters and diaries tell you what the textbooks leave out.",
            "Go and see it for yourself, if you can. Nothing replaces standing in the place where it happened.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What role did luck play?",
            "How much of this came down to chance?",
        ],
        answers: &[
            "More than anyone likes to admit. A few different decisions, and we would be telling a very different story.",
            "Luck opened the door. Hard work is what kept it open.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What would you ask the people at the heart of it, if you could?",
            "If you could go back and ask one question, what would it be?",
        ],
        answers: &[
            "Whether they knew how much it would matter. I suspect most of them had no idea.",
            "What they were afraid of. We always hear about the courage, never about the fear.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What has technology changed?",
            "How have new tools changed {thing}?",
        ],
        answers: &[
            "The speed, above all. What took months now takes days, for better and for worse.",
            "They've made it easier to start, and harder to stand out. That's the trade.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What do young people make of all this?",
            "Is the next generation interested?",
        ],
        answers: &[
            "More than you'd think. They ask sharper questions than we ever did.",
            "They come at it without the old assumptions, which is exactly what it needs.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "Is there a place that captures it best?",
            "If someone wanted to feel it, where should they go?",
        ],
        answers: &[
            "A small, unremarkable spot most people walk straight past. Once you know its story, you never forget it.",
            "The old quarter, early in the morning, before the crowds. That's when you can hear the history.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What's the one thing you've changed your mind about?",
            "Has your own view shifted over the years?",
        ],
        answers: &[
            "Completely. I started out certain, and the more I learned, the less certain I became.",
            "On the people involved, yes. I judged them too quickly when I was younger.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What's the funniest thing that's happened along the way?",
            "Is there a story that always makes you laugh?",
        ],
        answers: &[
            "The time a very serious meeting was stopped by a goat. I'm not making that up.",
            "A sign painted with the name spelt wrong, which stayed up for eleven years because everyone grew fond of it.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "What are the big open questions now?",
            "What don't we know yet?",
        ],
        answers: &[
            "Quite a lot, honestly. Every answer we find seems to come with two new questions attached.",
            "Why it happened when it did. The how is well understood; the why is still argued over.",
        ],
        proper: false,
    },
    Facet {
        questions: &[
            "Before we finish this part, is there anything we've missed?",
            "What haven't I asked that I should have?",
        ],
        answers: &[
            "Only that it's still going on. None of this is finished, and that's what makes it exciting.",
            "How much fun it is. We talk about it seriously, but there's a lot of joy in it too.",
        ],
        proper: false,
    },
];

/// Listeners' questions, for the part of a long podcast that answers them: (who asks,
/// question, answer).
pub(super) const LISTENER_QUESTIONS: &[(&str, &str, &str)] = &[
    (
        "Anna, from Leeds",
        "How do I get started with {thing} if I have no time at all?",
        "Ten minutes a week is enough to begin. Consistency beats ambition every time.",
    ),
    (
        "Dev, who listens on his commute",
        "What's the one mistake you made that I can avoid?",
        "Trying to learn everything before doing anything. Start messy, and tidy up later.",
    ),
    (
        "Grace, a teacher",
        "How would you explain {thing} to a class of ten-year-olds?",
        "With a story and a question. Children get to the heart of it faster than adults do.",
    ),
    (
        "Tom, from a small village",
        "Is any of this relevant if you live somewhere quiet, far from the cities?",
        "Even more so, honestly. Some of the best examples I know come from small places.",
    ),
    (
        "Priya, a long-time listener",
        "What's changed your mind since you started this podcast?",
        "How much our listeners know. Half of what I've learned lately came from your messages.",
    ),
    (
        "Sam, a student",
        "Where can I find people who care about {thing} as much as I do?",
        "Closer than you think. Ask around, start a group, and they'll find you.",
    ),
    (
        "Maria, from Lisbon",
        "Does {thing} look different in other countries?",
        "Very. Every place puts its own stamp on it, and that's half the fun of travelling.",
    ),
    (
        "Joe, who says he's a sceptic",
        "Isn't this all a bit overhyped?",
        "Some of it is, and it's fair to say so. But strip away the hype, and there's something real underneath.",
    ),
];

/// A quick-fire round: short questions, short answers.
pub(super) const QUICK_FIRE: &[(&str, &str)] = &[
    ("Morning or evening?", "Morning. Always morning."),
    (
        "Books or podcasts?",
        "Podcasts, obviously. Don't tell my publisher.",
    ),
    ("Tea or coffee?", "Tea, strong enough to stand a spoon in."),
    (
        "The best advice you've ever had?",
        "Say yes, then work out how.",
    ),
    ("Planner or improviser?", "Improviser who pretends to plan."),
    ("City or countryside?", "Countryside, with good internet."),
    ("One word for {thing}?", "Surprising."),
    (
        "Favourite place to think?",
        "On a long walk, with no phone.",
    ),
    (
        "The last thing that made you laugh?",
        "This conversation, honestly.",
    ),
    (
        "Early adopter or late to the party?",
        "Late, but I stay till the end.",
    ),
    (
        "Who should we have on the show next?",
        "My grandmother. She'd have opinions.",
    ),
    ("Cats or dogs?", "Dogs. Sorry, cat people."),
];
