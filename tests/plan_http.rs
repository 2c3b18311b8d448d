//! The `http` planner against a small real HTTP/1.1 server that speaks the OpenAI chat
//! completions protocol: valid replies, repairs, malformed replies, timeouts, retries, a
//! refused key and a server that is not there.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use onair::Error;
use onair::plan::http::{HttpConfig, HttpPlanner};
use onair::plan::{Brief, Planner, check, to_yaml};
use serde_json::{Value, json};

#[path = "support/briefs.rs"]
mod support;

/// Every test that reads or writes the process environment (building an HTTP agent reads the
/// proxy variables) holds this lock while it does.
static ENV: Mutex<()> = Mutex::new(());

const MODEL: &str = "test-model";

/// A script with speech, a background music begin/end, a background sfx, foreground sfx and
/// music with durations.
const VALID: &str = r#"{"title": "Bees Come Back", "rows": [
{"type": "music", "id": "theme", "action": "begin", "description": "Light news theme with marimba"},
{"type": "speech", "character": "Host", "text": "Welcome to the garden hour. The bees are back in the city."},
{"type": "music", "id": "theme", "action": "end"},
{"type": "sfx", "id": "meadow", "action": "begin", "description": "Meadow with buzzing bees and birdsong"},
{"type": "speech", "character": "Reporter", "text": "I am standing next to a hive on a roof in the middle of town."},
{"type": "speech", "character": "Beekeeper", "text": "Twenty hives up here now, and every one is busy."},
{"type": "sfx", "id": "meadow", "action": "end"},
{"type": "sfx", "description": "Short whoosh transition", "duration": 1.5},
{"type": "speech", "character": "Host", "text": "That is all for today. Thank you for listening."},
{"type": "music", "description": "Closing sting", "duration": 4}
]}"#;

/// The same script with its background music never ended.
const NEVER_ENDS: &str = r#"{"title": "Bees Come Back", "rows": [
{"type": "music", "id": "theme", "action": "begin", "description": "Light news theme"},
{"type": "speech", "character": "Host", "text": "Welcome to the garden hour."},
{"type": "sfx", "description": "Short whoosh transition", "duration": 1.5}
]}"#;

/// A recorded request.
#[derive(Clone, Debug)]
struct Request {
    /// Request line and headers, as sent.
    head: String,
    body: String,
}

impl Request {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The `content` of the request's messages.
    fn contents(&self) -> Vec<String> {
        self.json()["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["content"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// What the server sends back.
enum Reply {
    /// A status and a body.
    Raw(u16, String),
    /// A chat completion whose message content is this text.
    Chat(String),
    /// Wait, then reply.
    After(Duration, Box<Reply>),
}

fn chat(content: &str) -> Reply {
    Reply::Chat(content.to_owned())
}

struct Server {
    base_url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// Serves `reply(n, request)` for the n-th request (0-based), each connection on its own
    /// thread, until the test process ends.
    fn start(reply: impl Fn(usize, &Request) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let counter = Arc::new(AtomicUsize::new(0));
        let reply = Arc::new(reply);
        let log = requests.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (log, counter, reply) = (log.clone(), counter.clone(), reply.clone());
                thread::spawn(move || {
                    let _ = serve(stream, &log, &counter, &*reply);
                });
            }
        });
        Server { base_url, requests }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    fn config(&self) -> HttpConfig {
        HttpConfig::new(&self.base_url, MODEL)
            .with_timeout(Duration::from_secs(10))
            .with_backoff(Duration::from_millis(10))
    }
}

fn serve(
    stream: TcpStream,
    log: &Mutex<Vec<Request>>,
    counter: &AtomicUsize,
    reply: &(dyn Fn(usize, &Request) -> Reply + Send + Sync),
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
        head.push_str(&line);
    }
    let request = Request {
        head,
        body: String::new(),
    };
    let length: usize = request
        .header("content-length")
        .map_or(0, |v| v.parse().unwrap());
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let request = Request {
        body: String::from_utf8(body).unwrap(),
        ..request
    };
    let n = counter.fetch_add(1, Ordering::SeqCst);
    log.lock().unwrap().push(request.clone());
    let mut answer = reply(n, &request);
    let (status, body) = loop {
        match answer {
            Reply::Raw(status, body) => break (status, body),
            Reply::Chat(content) => break (200, completion(&content)),
            Reply::After(wait, then) => {
                thread::sleep(wait);
                answer = *then;
            }
        }
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        reason(status),
        body.len()
    )?;
    stream.flush()
}

fn completion(content: &str) -> String {
    json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": MODEL,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": "stop",
        }],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    })
    .to_string()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Whatever",
    }
}

fn planner(config: HttpConfig) -> HttpPlanner {
    let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
    HttpPlanner::new(config).unwrap()
}

fn brief() -> Brief {
    Brief::new("a short news segment about bees returning to the city", 7)
        .unwrap()
        .0
}

fn engine_message(error: Error) -> String {
    match error {
        Error::Engine { engine, message } => {
            assert_eq!(engine, "planner/http");
            message
        }
        other => panic!("expected an engine error, got {other:?}"),
    }
}

fn valid() -> Value {
    serde_json::from_str(VALID).unwrap()
}

#[test]
fn a_valid_reply_is_the_plan_and_the_request_speaks_the_protocol() {
    let server = Server::start(|_, _| chat(VALID));
    let brief = brief();
    let plan = planner(server.config()).plan(&brief).unwrap();
    check(&plan.script).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plan.script["rows"], valid()["rows"]);
    assert_eq!(
        plan.script["seed"], 7,
        "the brief's seed is the script's seed"
    );
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    assert_eq!(
        plan.summary,
        format!("http {MODEL} at {}, 0 repairs", server.base_url)
    );
    let yaml = to_yaml(&plan, &brief);
    assert!(yaml.contains("Bees Come Back"), "{yaml}");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert!(
        r.head.starts_with("POST /v1/chat/completions HTTP/1.1"),
        "{}",
        r.head
    );
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(r.header("authorization"), None, "no key, no header");
    let body = r.json();
    assert_eq!(body["model"], MODEL);
    assert_eq!(body["temperature"], 0.7);
    assert_eq!(body["seed"], 7);
    let roles: Vec<&str> = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = onair::plan::prompt::messages(&brief)
        .iter()
        .map(|m| m.role)
        .collect();
    assert_eq!(roles, expected);
    assert_eq!(r.contents().last().unwrap(), brief.text());
    let format = &body["response_format"];
    assert_eq!(format["type"], "json_schema");
    assert_eq!(format["json_schema"]["name"], "onair_script");
    assert_eq!(format["json_schema"]["strict"], false);
    let schema: Value = serde_json::from_str(&onair::script::schema::json_schema()).unwrap();
    assert_eq!(format["json_schema"]["schema"], schema);
}

#[test]
fn a_reply_in_fences_with_text_around_is_accepted() {
    let server = Server::start(|_, _| {
        chat(&format!(
            "Sure! Here is the script for your segment:\n\n```json\n{VALID}\n```\n\nLet me \
             know if you want {{more}} rows."
        ))
    });
    let plan = planner(server.config()).plan(&brief()).unwrap();
    assert_eq!(plan.script["rows"], valid()["rows"]);
    assert!(plan.warnings.is_empty());
}

#[test]
fn an_invalid_script_is_repaired_with_the_validation_errors() {
    let server = Server::start(|n, _| chat(if n == 0 { NEVER_ENDS } else { VALID }));
    let plan = planner(server.config()).plan(&brief()).unwrap();
    assert_eq!(plan.script["rows"], valid()["rows"]);
    assert_eq!(
        plan.warnings,
        ["the model's script had 1 problem; repair 1 of 3 fixed it"]
    );
    assert!(plan.summary.ends_with(", 1 repair"), "{}", plan.summary);

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let second = requests[1].contents();
    assert_eq!(second.len(), prompt_len() + 2);
    assert_eq!(
        requests[1].json()["messages"][prompt_len()]["role"],
        "assistant"
    );
    assert_eq!(second[prompt_len()], NEVER_ENDS);
    assert!(
        second[prompt_len() + 1].contains("never ends"),
        "{}",
        second[prompt_len() + 1]
    );
    assert!(
        second[prompt_len() + 1].contains("row 1"),
        "{}",
        second[prompt_len() + 1]
    );
}

#[test]
fn a_script_still_invalid_after_three_repairs_is_an_error_quoting_the_problems() {
    let server = Server::start(|_, _| chat(NEVER_ENDS));
    let err = planner(server.config()).plan(&brief()).unwrap_err();
    assert!(!err.is_invalid_input());
    let message = engine_message(err);
    assert!(message.contains("after 3 repairs"), "{message}");
    assert!(message.contains("never ends"), "{message}");
    assert!(message.contains(MODEL), "{message}");
    let requests = server.requests();
    assert_eq!(requests.len(), 4, "the first try and three repairs");
    assert_eq!(requests[3].contents().len(), prompt_len() + 2 * 3);
}

#[test]
fn a_body_that_is_not_json_or_has_no_choices_is_a_clear_error() {
    let server = Server::start(|_, _| Reply::Raw(200, "<html>It works!</html>".into()));
    let message = engine_message(planner(server.config()).plan(&brief()).unwrap_err());
    assert!(message.contains("not JSON"), "{message}");
    assert!(message.contains(&server.base_url), "{message}");
    assert!(message.contains("It works!"), "{message}");
    assert_eq!(
        server.requests().len(),
        1,
        "no retry: the server is not the API"
    );

    let server = Server::start(|_, _| Reply::Raw(200, r#"{"object": "list", "data": []}"#.into()));
    let message = engine_message(planner(server.config()).plan(&brief()).unwrap_err());
    assert!(message.contains("choices"), "{message}");
    assert!(message.contains(&server.base_url), "{message}");
}

#[test]
fn content_that_is_not_json_is_sent_back_and_finally_quoted() {
    let server = Server::start(|n, _| {
        chat(if n == 0 {
            "I'm sorry, I can only write poems."
        } else {
            VALID
        })
    });
    let plan = planner(server.config()).plan(&brief()).unwrap();
    assert_eq!(
        plan.warnings,
        ["the model's reply was not a JSON object; repair 1 of 3 fixed it"]
    );
    let second = server.requests()[1].contents();
    assert!(
        second[prompt_len() + 1].starts_with("Your reply was not a JSON object: "),
        "{}",
        second[prompt_len() + 1]
    );

    let server = Server::start(|_, _| chat("Title: Bees. Host: hello there."));
    let message = engine_message(planner(server.config()).plan(&brief()).unwrap_err());
    assert!(
        message.contains("the server's reply is not JSON"),
        "{message}"
    );
    assert!(
        message.contains("Title: Bees. Host: hello there."),
        "{message}"
    );
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn a_slow_server_times_out_after_the_retries() {
    let server = Server::start(|_, _| Reply::After(Duration::from_secs(3), Box::new(chat(VALID))));
    let config = server
        .config()
        .with_timeout(Duration::from_millis(300))
        .with_retries(2);
    let start = Instant::now();
    let message = engine_message(planner(config).plan(&brief()).unwrap_err());
    let elapsed = start.elapsed();
    assert!(message.contains("within the 0.3 s timeout"), "{message}");
    assert!(message.contains("ONAIR_HTTP_TIMEOUT"), "{message}");
    assert!(message.contains("gave up after 2 retries"), "{message}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    // Each try reached the server.
    let deadline = Instant::now() + Duration::from_secs(2);
    while server.requests().len() < 3 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_server_error_is_retried() {
    let server = Server::start(|n, _| match n {
        0 => Reply::Raw(500, r#"{"error": {"message": "model is loading"}}"#.into()),
        1 => Reply::Raw(429, r#"{"error": "slow down"}"#.into()),
        _ => chat(VALID),
    });
    let plan = planner(server.config()).plan(&brief()).unwrap();
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    assert_eq!(server.requests().len(), 3);

    let server = Server::start(|_, _| Reply::Raw(503, r#"{"error": "overloaded"}"#.into()));
    let message = engine_message(planner(server.config()).plan(&brief()).unwrap_err());
    assert!(message.contains("HTTP 503"), "{message}");
    assert!(message.contains("overloaded"), "{message}");
    assert!(message.contains("gave up after 3 retries"), "{message}");
    assert_eq!(server.requests().len(), 4);
}

/// What llama-cpp-python 0.3.36's server answers a `json_schema` response_format: HTTP 500
/// with pydantic's complaint.
const LLAMA_CPP_PYTHON_500: &str = r#"{"error":{"message":"1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', 'ctx': {'expected': \"'text' or 'json_object'\"}}\n\n  File \"/venv/lib/python3.11/site-packages/llama_cpp/server/app.py\", line 376, in create_chat_completion\n    POST /v1/chat/completions","type":"internal_server_error","param":null,"code":null}}"#;

#[test]
fn a_server_that_rejects_the_response_format_gets_the_plain_prompt_and_repairs() {
    // Rejects any response_format; without one, first an invalid script, then a valid one.
    let plain = Arc::new(AtomicUsize::new(0));
    let count = plain.clone();
    let server = Server::start(move |_, request| {
        if request.json().get("response_format").is_some() {
            Reply::Raw(500, LLAMA_CPP_PYTHON_500.into())
        } else if count.fetch_add(1, Ordering::SeqCst) == 0 {
            chat(NEVER_ENDS)
        } else {
            chat(VALID)
        }
    });
    let mut planner = planner(server.config());
    let plan = planner.plan(&brief()).unwrap();
    check(&plan.script).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plan.script["rows"], valid()["rows"]);
    assert_eq!(plan.warnings.len(), 2, "{:?}", plan.warnings);
    let fallback = &plan.warnings[0];
    assert!(
        fallback.contains("rejected response_format json_schema (HTTP 500")
            && fallback.contains("Input should be 'text' or 'json_object'")
            && fallback.contains("plain prompt"),
        "{fallback}"
    );
    assert_eq!(
        plan.warnings[1],
        "the model's script had 1 problem; repair 1 of 3 fixed it"
    );
    assert!(
        plan.summary.ends_with(", plain prompt, 1 repair"),
        "{}",
        plan.summary
    );
    assert_eq!(
        planner.response_format(),
        onair::plan::http::ResponseFormat::Plain
    );
    // The rejected request was not retried: asked again at once, without response_format,
    // with the same messages.
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].json()["response_format"]["type"], "json_schema");
    assert_eq!(requests[1].json().get("response_format"), None);
    assert_eq!(
        requests[0].json()["messages"],
        requests[1].json()["messages"]
    );
    assert_eq!(requests[2].json().get("response_format"), None);

    // The planner remembers: the next plan goes straight to the plain prompt, no warning.
    let plan = planner.plan(&brief()).unwrap();
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[3].json().get("response_format"), None);
}

#[test]
fn a_422_about_the_response_format_falls_back_but_other_errors_do_not() {
    // FastAPI's own validation error, as a stricter server words it.
    let detail = r#"{"detail": [{"loc": ["body", "response_format", "type"], "msg": "unexpected value; permitted: 'text', 'json_object'", "type": "value_error"}]}"#;
    let server = Server::start(move |_, request| {
        if request.json().get("response_format").is_some() {
            Reply::Raw(422, detail.into())
        } else {
            chat(VALID)
        }
    });
    let plan = planner(server.config()).plan(&brief()).unwrap();
    assert!(
        plan.warnings[0].contains("rejected response_format json_schema (HTTP 422"),
        "{:?}",
        plan.warnings
    );
    assert_eq!(server.requests().len(), 2);

    // When the plain prompt fails too, the error says how the model was asked.
    let server = Server::start(move |_, request| {
        if request.json().get("response_format").is_some() {
            Reply::Raw(422, detail.into())
        } else {
            chat(NEVER_ENDS)
        }
    });
    let message = engine_message(planner(server.config()).plan(&brief()).unwrap_err());
    assert!(
        message.contains(
            "(plain prompt: the server rejected response_format json_schema) still wrote an \
             invalid script after 3 repairs"
        ),
        "{message}"
    );
    assert_eq!(
        server.requests().len(),
        5,
        "the rejected try, the first and three repairs"
    );

    // A 400 that is not about the response_format is an error, and a 500 that is not is
    // retried, both with the response_format kept.
    let server = Server::start(|_, _| {
        Reply::Raw(
            400,
            r#"{"error": {"message": "Requested tokens (9000) exceed context window of 8192"}}"#
                .into(),
        )
    });
    let message = engine_message(planner(server.config()).plan(&brief()).unwrap_err());
    assert!(message.contains("HTTP 400"), "{message}");
    assert!(message.contains("context window"), "{message}");
    assert_eq!(server.requests().len(), 1);
    let server = Server::start(|_, _| Reply::Raw(500, r#"{"error": "out of memory"}"#.into()));
    let message = engine_message(planner(server.config()).plan(&brief()).unwrap_err());
    assert!(message.contains("gave up after 3 retries"), "{message}");
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert!(
        requests
            .iter()
            .all(|r| r.json()["response_format"]["type"] == "json_schema")
    );
}

#[test]
fn the_response_format_can_be_chosen_up_front() {
    use onair::plan::http::ResponseFormat;
    let server = Server::start(|_, _| chat(VALID));
    let config = server
        .config()
        .with_response_format(ResponseFormat::JsonObject);
    let plan = planner(config).plan(&brief()).unwrap();
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    assert!(
        plan.summary
            .ends_with(", response_format json_object, 0 repairs"),
        "{}",
        plan.summary
    );
    let format = &server.requests()[0].json()["response_format"];
    assert_eq!(format["type"], "json_object");
    let schema: Value = serde_json::from_str(&onair::script::schema::json_schema()).unwrap();
    assert_eq!(format["schema"], schema);

    let config = server.config().with_response_format(ResponseFormat::Plain);
    let plan = planner(config).plan(&brief()).unwrap();
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    assert!(
        plan.summary.ends_with(", plain prompt, 0 repairs"),
        "{}",
        plan.summary
    );
    let request = server.requests()[1].json();
    assert_eq!(request.get("response_format"), None);
    assert_eq!(request["seed"], 7);
    assert_eq!(request.get("max_tokens"), None, "not sent unless set");

    let config = server.config().with_max_tokens(Some(2048));
    planner(config).plan(&brief()).unwrap();
    assert_eq!(server.requests()[2].json()["max_tokens"], 2048);
}

#[test]
fn a_refused_key_is_not_retried_and_says_what_to_set() {
    let server = Server::start(|_, _| {
        Reply::Raw(
            401,
            r#"{"error": {"message": "Incorrect API key provided"}}"#.into(),
        )
    });
    let message = engine_message(planner(server.config()).plan(&brief()).unwrap_err());
    assert!(
        message.contains("the server refused the API key (HTTP 401): set ONAIR_API_KEY"),
        "{message}"
    );
    assert_eq!(server.requests().len(), 1);

    let server = Server::start(|_, _| {
        Reply::Raw(404, r#"{"error": "model \"test-model\" not found"}"#.into())
    });
    let message = engine_message(planner(server.config()).plan(&brief()).unwrap_err());
    assert!(message.contains("HTTP 404"), "{message}");
    assert!(message.contains("not found"), "{message}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_server_that_is_not_there_cannot_be_reached() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
    drop(listener);
    let config = HttpConfig::new(&base_url, MODEL).with_backoff(Duration::from_millis(5));
    let message = engine_message(planner(config).plan(&brief()).unwrap_err());
    assert!(
        message.contains(&format!(
            "cannot reach the planner server at {base_url}: connection refused"
        )),
        "{message}"
    );
    assert!(message.contains("ollama serve"), "{message}");
    assert!(message.contains("ONAIR_HTTP_URL"), "{message}");
}

/// The one test that sets variables: the key is read from the environment, sent as a bearer
/// token, and nowhere else.
#[test]
fn the_api_key_from_the_environment_is_sent_and_never_shown() {
    const KEY: &str = "sk-onair-test-7f3a9c1e5b";
    let server = Server::start(|n, request| {
        if n == 0 {
            chat(VALID)
        } else if request.contents().last().unwrap().contains("never ends") {
            // A server that echoes the key in its complaint.
            Reply::Raw(
                401,
                format!(r#"{{"error": {{"message": "Incorrect API key provided: {KEY}"}}}}"#),
            )
        } else {
            chat(NEVER_ENDS)
        }
    });
    let (config, missing) = {
        let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: every test that touches the environment holds ENV.
        unsafe {
            std::env::set_var("ONAIR_API_KEY", KEY);
            std::env::remove_var("ONAIR_HTTP_MODEL");
            std::env::set_var("ONAIR_HTTP_URL", "http://127.0.0.1:1/ignored");
        }
        let config = HttpConfig::from_env(Some(server.base_url.clone()), Some(MODEL.into()));
        let missing = HttpConfig::from_env(None, None);
        unsafe {
            std::env::remove_var("ONAIR_API_KEY");
            std::env::remove_var("ONAIR_HTTP_URL");
        }
        (config.unwrap(), missing)
    };
    let err = missing.unwrap_err();
    assert!(err.is_invalid_input());
    let text = err.to_string();
    assert!(
        text.contains("--model") && text.contains("ONAIR_HTTP_MODEL"),
        "{text}"
    );

    assert!(config.has_api_key());
    assert_eq!(config.base_url, server.base_url, "the flag wins");
    let config = config.with_backoff(Duration::from_millis(5));
    let debug = format!("{config:?}");
    assert!(debug.contains("api_key: set"), "{debug}");
    assert!(!debug.contains(KEY), "{debug}");

    let mut planner = planner(config);
    assert!(!format!("{planner:?}").contains(KEY));
    let brief = brief();
    let plan = planner.plan(&brief).unwrap();
    let request = &server.requests()[0];
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {KEY}"))
    );
    assert!(
        !request.body.contains(KEY),
        "the key is a header, not content"
    );
    assert!(!format!("{plan:?}").contains(KEY));
    assert!(!to_yaml(&plan, &brief).contains(KEY));

    // The second plan gets an invalid script, and the repair request a 401 echoing the key.
    let err = planner.plan(&brief).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("refused the API key (HTTP 401)"), "{text}");
    assert!(text.contains("Incorrect API key provided"), "{text}");
    assert!(!text.contains(KEY), "{text}");
}

/// Each brief in tests/data/briefs/ plans to a valid script, and the brief
/// is the last message the server sees.
#[test]
fn the_example_briefs_plan_to_valid_scripts() {
    let briefs = support::briefs();
    assert!(briefs.len() >= 12, "{} briefs", briefs.len());
    let server = Server::start(|_, _| chat(VALID));
    let mut planner = planner(server.config());
    for (i, (name, raw)) in briefs.iter().enumerate() {
        let brief = match Brief::new(raw, i as u64) {
            Ok((brief, _)) => brief,
            Err(e) => {
                assert!(e.is_invalid_input(), "{name}: {e}");
                continue;
            }
        };
        let plan = planner
            .plan(&brief)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        check(&plan.script).unwrap_or_else(|e| panic!("{name}: {e}"));
        let sent = server.requests().last().unwrap().contents();
        assert_eq!(sent.last().unwrap(), brief.text(), "{name}");
    }
}

/// Messages in the first request: the prompt for the test brief.
fn prompt_len() -> usize {
    onair::plan::prompt::messages(&brief()).len()
}
