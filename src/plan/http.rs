//! The `http` planner: an OpenAI-compatible `POST {base_url}/chat/completions` endpoint
//! (Ollama, the llama.cpp server, vLLM, OpenAI), asked for the script with the script's JSON
//! Schema as structured output. Every reply is validated with [`check`]; the validator's
//! errors go back to the model, up to [`MAX_REPAIRS`] times.
//!
//! A server that rejects the `response_format` (llama-cpp-python's server knows only
//! `json_object`, and answers `json_schema` with HTTP 500) is asked again at once without it,
//! and the planner keeps to the plain prompt and the validator's repairs from then on, with a
//! warning. `ONAIR_HTTP_RESPONSE_FORMAT` chooses the form up front: [`ResponseFormat`].
//!
//! The API key comes only from the environment (`ONAIR_API_KEY`, else `OPENAI_API_KEY`). It
//! is sent as a bearer token and nowhere else: errors, `Debug` output and plans never hold it,
//! and text the server sends back is scrubbed of it before it is quoted.

use std::fmt;
use std::io;
use std::time::Duration;

use serde_json::{Value, json};

use super::{Brief, Plan, Planner, check, prompt};
use crate::script::ValidationErrors;
use crate::{Error, Result};

/// The base URL when neither `--url` nor `ONAIR_HTTP_URL` names one: a local Ollama.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:11434/v1";
/// Connect plus the whole request, unless `ONAIR_HTTP_TIMEOUT` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// Retries of one request after a transient failure (refused, reset, timeout, 429, 5xx).
pub const DEFAULT_RETRIES: u32 = 3;
/// The wait before the first retry; each next retry waits twice as long.
pub const DEFAULT_BACKOFF: Duration = Duration::from_millis(500);
/// How many times an invalid script is sent back to the model with its errors.
pub const MAX_REPAIRS: u32 = 3;

const ENGINE: &str = "planner/http";
/// The variable that chooses the [`ResponseFormat`].
const FORMAT_VAR: &str = "ONAIR_HTTP_RESPONSE_FORMAT";
/// The variable that sets [`HttpConfig::max_tokens`].
const MAX_TOKENS_VAR: &str = "ONAIR_HTTP_MAX_TOKENS";
/// Characters of a server's text quoted in an error.
const QUOTE_CHARS: usize = 200;

/// How a request asks for the script as JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseFormat {
    /// `{"type": "json_schema", "json_schema": {"schema": ...}}`, the OpenAI form (OpenAI,
    /// Ollama, vLLM, llama.cpp's `llama-server`). The default.
    JsonSchema,
    /// `{"type": "json_object", "schema": ...}`, the form llama-cpp-python's server (and
    /// `llama-server`) turn into a grammar.
    JsonObject,
    /// No `response_format`: the prompt alone, and the validator's repairs.
    Plain,
}

impl ResponseFormat {
    /// The value of `ONAIR_HTTP_RESPONSE_FORMAT` that chooses it.
    pub fn name(self) -> &'static str {
        match self {
            ResponseFormat::JsonSchema => "json_schema",
            ResponseFormat::JsonObject => "json_object",
            ResponseFormat::Plain => "none",
        }
    }

    fn parse(text: &str) -> Option<ResponseFormat> {
        match text.to_ascii_lowercase().as_str() {
            "json_schema" => Some(ResponseFormat::JsonSchema),
            "json_object" => Some(ResponseFormat::JsonObject),
            "none" | "plain" | "off" => Some(ResponseFormat::Plain),
            _ => None,
        }
    }

    /// The request's `response_format` field, if any.
    fn field(self) -> Option<Value> {
        match self {
            ResponseFormat::JsonSchema => Some(json!({
                "type": "json_schema",
                "json_schema": {
                    "name": "onair_script",
                    "schema": script_schema(),
                    "strict": false,
                },
            })),
            ResponseFormat::JsonObject => Some(json!({
                "type": "json_object",
                "schema": script_schema(),
            })),
            ResponseFormat::Plain => None,
        }
    }
}

/// Where and how to reach the server.
#[derive(Clone)]
pub struct HttpConfig {
    /// The API root, e.g. `http://127.0.0.1:11434/v1`; `/chat/completions` is appended.
    pub base_url: String,
    /// The model name as the server knows it (`llama3.2`, `gpt-4o-mini`).
    pub model: String,
    /// Limit for connecting and for the whole request, response body included.
    pub timeout: Duration,
    /// Retries after a transient failure, with exponential backoff.
    pub retries: u32,
    /// The wait before the first retry; doubled for each next one.
    pub backoff: Duration,
    /// How the first request asks for JSON; a server that rejects it gets the plain prompt.
    pub response_format: ResponseFormat,
    /// The request's `max_tokens`, if any (none by default: OpenAI's reasoning models refuse
    /// the field). Without it, a small model that rambles on llama-cpp-python's server writes
    /// until its context is full.
    pub max_tokens: Option<u32>,
    api_key: Option<String>,
}

impl HttpConfig {
    /// A configuration with the defaults and no API key; nothing is read from the
    /// environment. [`HttpConfig::from_env`] is what the CLI uses.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> HttpConfig {
        HttpConfig {
            base_url: base_url.into(),
            model: model.into(),
            timeout: DEFAULT_TIMEOUT,
            retries: DEFAULT_RETRIES,
            backoff: DEFAULT_BACKOFF,
            response_format: ResponseFormat::JsonSchema,
            max_tokens: None,
            api_key: None,
        }
    }

    /// Flags win, else `ONAIR_HTTP_URL` / `ONAIR_HTTP_MODEL`; the base URL defaults to a
    /// local Ollama, the model has no default. `ONAIR_HTTP_TIMEOUT` (seconds) sets the
    /// timeout, `ONAIR_HTTP_RESPONSE_FORMAT` (`json_schema`, `json_object` or `none`) the
    /// [`ResponseFormat`], `ONAIR_HTTP_MAX_TOKENS` the request's `max_tokens`; the API key is
    /// `ONAIR_API_KEY`, else `OPENAI_API_KEY`.
    pub fn from_env(base_url: Option<String>, model: Option<String>) -> Result<HttpConfig> {
        Self::from_lookup(base_url, model, |name| std::env::var(name).ok())
    }

    fn from_lookup(
        base_url: Option<String>,
        model: Option<String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<HttpConfig> {
        let set =
            |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let base_url = set(base_url)
            .or_else(|| set(env("ONAIR_HTTP_URL")))
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let model = set(model)
            .or_else(|| set(env("ONAIR_HTTP_MODEL")))
            .ok_or_else(|| {
                Error::BadInput(
                    "the http planner needs a model name: pass --model NAME or set \
                 ONAIR_HTTP_MODEL (e.g. llama3.2 for Ollama, gpt-4o-mini for OpenAI)"
                        .into(),
                )
            })?;
        let mut config = HttpConfig::new(base_url, model);
        if let Some(text) = set(env("ONAIR_HTTP_TIMEOUT")) {
            config.timeout = text
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| {
                    Error::BadInput(format!(
                        "ONAIR_HTTP_TIMEOUT is {text:?}: give the request timeout in seconds, \
                         e.g. 300"
                    ))
                })?;
        }
        if let Some(text) = set(env(FORMAT_VAR)) {
            config.response_format = ResponseFormat::parse(&text).ok_or_else(|| {
                Error::BadInput(format!(
                    "{FORMAT_VAR} is {text:?}: give json_schema (the default), json_object \
                     or none (the plain prompt)"
                ))
            })?;
        }
        if let Some(text) = set(env(MAX_TOKENS_VAR)) {
            config.max_tokens = Some(text.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                Error::BadInput(format!(
                    "{MAX_TOKENS_VAR} is {text:?}: give the most tokens the model may write, \
                     e.g. 2048"
                ))
            })?);
        }
        config.api_key = set(env("ONAIR_API_KEY")).or_else(|| set(env("OPENAI_API_KEY")));
        Ok(config)
    }

    /// The same configuration with another timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> HttpConfig {
        self.timeout = timeout;
        self
    }

    /// The same configuration with another number of retries.
    pub fn with_retries(mut self, retries: u32) -> HttpConfig {
        self.retries = retries;
        self
    }

    /// The same configuration with another first backoff.
    pub fn with_backoff(mut self, backoff: Duration) -> HttpConfig {
        self.backoff = backoff;
        self
    }

    /// The same configuration with another [`ResponseFormat`].
    pub fn with_response_format(mut self, format: ResponseFormat) -> HttpConfig {
        self.response_format = format;
        self
    }

    /// The same configuration with another `max_tokens`.
    pub fn with_max_tokens(mut self, max_tokens: Option<u32>) -> HttpConfig {
        self.max_tokens = max_tokens;
        self
    }

    /// Whether an API key was found in the environment.
    pub fn has_api_key(&self) -> bool {
        self.api_key.is_some()
    }

    fn endpoint(&self) -> String {
        format!("{}/chat/completions", self.base_url.trim_end_matches('/'))
    }
}

impl fmt::Debug for HttpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpConfig")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("backoff", &self.backoff)
            .field("response_format", &self.response_format)
            .field("max_tokens", &self.max_tokens)
            .field(
                "api_key",
                &format_args!(
                    "{}",
                    if self.api_key.is_some() {
                        "set"
                    } else {
                        "unset"
                    }
                ),
            )
            .finish()
    }
}

/// The planner.
pub struct HttpPlanner {
    config: HttpConfig,
    agent: ureq::Agent,
    /// The form requests take now: the configured one until the server rejects it.
    format: ResponseFormat,
}

impl fmt::Debug for HttpPlanner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpPlanner")
            .field("config", &self.config)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl HttpPlanner {
    /// A planner for `config`. The base URL must be `http://` or `https://`.
    pub fn new(config: HttpConfig) -> Result<HttpPlanner> {
        let url = config.base_url.to_ascii_lowercase();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::BadInput(format!(
                "the planner URL {:?} is not an http:// or https:// URL: pass e.g. --url {}",
                config.base_url, DEFAULT_BASE_URL
            )));
        }
        if config.timeout.is_zero() {
            return Err(Error::BadInput(
                "the http planner's timeout is zero: give it some seconds".into(),
            ));
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(config.timeout))
            .timeout_connect(Some(config.timeout))
            .user_agent(concat!("onair/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let format = config.response_format;
        Ok(HttpPlanner {
            config,
            agent,
            format,
        })
    }

    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// The form requests take now.
    pub fn response_format(&self) -> ResponseFormat {
        self.format
    }

    /// One chat completion, with retries: the assistant's text. A server that rejects the
    /// `response_format` is asked again at once without it (not counted as a retry), this
    /// time and from then on; `warnings` says so.
    fn complete(
        &mut self,
        messages: &[Value],
        seed: u64,
        warnings: &mut Vec<String>,
    ) -> Result<String> {
        let mut retry = 0;
        loop {
            let mut body = json!({
                "model": self.config.model,
                "messages": messages,
                "temperature": 0.7,
                // Servers take 32-bit seeds (llama.cpp) or signed 64-bit ones (OpenAI).
                "seed": seed & 0x7fff_ffff,
            });
            if let Some(format) = self.format.field() {
                body["response_format"] = format;
            }
            if let Some(n) = self.config.max_tokens {
                body["max_tokens"] = json!(n);
            }
            match self.send(&body.to_string()) {
                Ok(text) => return Ok(text),
                Err(failure) if failure.format_rejected && self.format != ResponseFormat::Plain => {
                    warnings.push(self.redact(format!(
                        "the server at {} rejected response_format {} ({}); planning from \
                         the plain prompt, checked and repaired by the validator",
                        self.config.base_url,
                        self.format.name(),
                        failure.message
                    )));
                    self.format = ResponseFormat::Plain;
                }
                Err(failure) if failure.transient && retry < self.config.retries => {
                    std::thread::sleep(self.config.backoff.saturating_mul(1 << retry.min(16)));
                    retry += 1;
                }
                Err(failure) => {
                    let mut message = failure.message;
                    if retry > 0 {
                        let s = if retry == 1 { "y" } else { "ies" };
                        message.push_str(&format!(" (gave up after {retry} retr{s})"));
                    }
                    if let Some(hint) = failure.hint {
                        message.push_str("; ");
                        message.push_str(&hint);
                    }
                    return Err(self.error(message));
                }
            }
        }
    }

    /// One request, no retries.
    fn send(&self, body: &str) -> std::result::Result<String, Failure> {
        let endpoint = self.config.endpoint();
        let mut request = self
            .agent
            .post(&endpoint)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json");
        if let Some(key) = &self.config.api_key {
            request = request.header("Authorization", format!("Bearer {key}"));
        }
        let mut response = request
            .send(body.as_bytes())
            .map_err(|e| self.transport_failure(e))?;
        let status = response.status().as_u16();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(16 << 20)
            .read_to_vec()
            .map_err(|e| self.transport_failure(e))?;
        let text = String::from_utf8_lossy(&bytes);
        if !(200..300).contains(&status) {
            return Err(self.status_failure(status, &text));
        }
        let reply: Value = serde_json::from_str(&text).map_err(|_| {
            Failure::fatal(format!(
                "the planner server at {} replied with something that is not JSON (HTTP \
                 {status}): {}; is {endpoint} an OpenAI-compatible API?",
                self.config.base_url,
                quote(&text)
            ))
        })?;
        match reply.pointer("/choices/0/message/content") {
            Some(Value::String(content)) => Ok(content.clone()),
            _ => {
                let why = server_message(&reply)
                    .map(|m| format!(": the server says {}", quote(&m)))
                    .unwrap_or_else(|| format!(": {}", quote(&text)));
                Err(Failure::fatal(format!(
                    "the planner server at {} replied without choices[0].message.content{why}",
                    self.config.base_url
                )))
            }
        }
    }

    fn transport_failure(&self, error: ureq::Error) -> Failure {
        let url = &self.config.base_url;
        let seconds = seconds(self.config.timeout);
        let unreachable = |why: &str| {
            Failure::transient(format!("cannot reach the planner server at {url}: {why}"))
                .hint("start it (e.g. `ollama serve`) or set --url / ONAIR_HTTP_URL")
        };
        let slow = |what: &str| {
            Failure::transient(format!(
                "the planner server at {url} {what} within the {seconds} timeout"
            ))
            .hint("for a slow model, raise ONAIR_HTTP_TIMEOUT (seconds)")
        };
        match error {
            ureq::Error::Io(e) => match e.kind() {
                io::ErrorKind::ConnectionRefused => unreachable("connection refused"),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => slow("did not answer"),
                io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
                | io::ErrorKind::UnexpectedEof
                | io::ErrorKind::NotConnected
                | io::ErrorKind::Interrupted => Failure::transient(format!(
                    "the connection to the planner server at {url} broke: {e}"
                )),
                _ => unreachable(&e.to_string()),
            },
            ureq::Error::ConnectionFailed => unreachable("connection failed"),
            ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
                slow("did not accept a connection")
            }
            ureq::Error::Timeout(_) => slow("did not answer"),
            ureq::Error::HostNotFound => Failure::fatal(format!(
                "cannot reach the planner server at {url}: host not found"
            ))
            .hint("check --url / ONAIR_HTTP_URL"),
            ureq::Error::BadUri(why) => Failure::fatal(format!(
                "the planner URL {url} is not usable ({why}); check --url / ONAIR_HTTP_URL"
            )),
            ureq::Error::Protocol(e) => Failure::transient(format!(
                "the planner server at {url} did not answer in HTTP/1.1: {e}"
            )),
            other => Failure::fatal(format!(
                "the request to the planner server at {url} failed: {other}"
            )),
        }
    }

    fn status_failure(&self, status: u16, text: &str) -> Failure {
        let url = &self.config.base_url;
        let said = serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|v| server_message(&v))
            .unwrap_or_else(|| text.trim().to_owned());
        // A complaint about the response_format (llama-cpp-python: HTTP 500, "Input should be
        // 'text' or 'json_object'" at ('body', 'response_format', 'type')); not retried.
        if self.format != ResponseFormat::Plain
            && matches!(status, 400 | 415 | 422 | 500 | 501)
            && said.contains("response_format")
        {
            return Failure {
                format_rejected: true,
                ..Failure::fatal(format!("HTTP {status}: the server says {}", quote(&said)))
            };
        }
        let said = if said.is_empty() {
            String::new()
        } else {
            format!(": the server says {}", quote(&said))
        };
        match status {
            401 | 403 => {
                let fix = if self.config.api_key.is_some() {
                    "set ONAIR_API_KEY to a key this server accepts"
                } else {
                    "set ONAIR_API_KEY (or OPENAI_API_KEY); none is set"
                };
                Failure::fatal(format!(
                    "the server refused the API key (HTTP {status}): {fix} (server {url}){said}"
                ))
            }
            404 => Failure::fatal(format!(
                "the planner server at {url} answered HTTP 404 for {}{said}; check the URL \
                 (it usually ends in /v1) and the model name {:?} (for Ollama: `ollama pull \
                 {}`)",
                self.config.endpoint(),
                self.config.model,
                self.config.model
            )),
            408 | 429 | 500..=599 => Failure::transient(format!(
                "the planner server at {url} answered HTTP {status}{said}"
            )),
            _ => Failure::fatal(format!(
                "the planner server at {url} rejected the request (HTTP {status}){said}"
            )),
        }
    }

    /// An engine error, scrubbed of the API key.
    fn error(&self, message: String) -> Error {
        Error::engine(ENGINE, self.redact(message))
    }

    fn redact(&self, text: String) -> String {
        match &self.config.api_key {
            Some(key) if text.contains(key.as_str()) => text.replace(key.as_str(), "[API key]"),
            _ => text,
        }
    }
}

impl Planner for HttpPlanner {
    fn name(&self) -> &'static str {
        "http"
    }

    fn plan(&mut self, brief: &Brief) -> Result<Plan> {
        let mut messages: Vec<Value> = prompt::messages(brief)
            .into_iter()
            .map(|m| message(m.role, &m.content))
            .collect();
        let mut warnings = Vec::new();
        // What was wrong with the previous reply (and its pronoun), once a repair is under way.
        let mut previous: Option<(String, &str)> = None;
        for attempt in 0..=MAX_REPAIRS {
            let content = self.complete(&messages, brief.seed, &mut warnings)?;
            let problem = match extract_json(&content) {
                Ok(mut script) => match check(&script) {
                    Ok(_) => {
                        if let Some((what, them)) = previous.take() {
                            warnings.push(format!(
                                "{what}; repair {attempt} of {MAX_REPAIRS} fixed {them}"
                            ));
                        }
                        if let Some(object) = script.as_object_mut() {
                            object.entry("seed").or_insert(json!(brief.seed));
                        }
                        let s = if attempt == 1 { "" } else { "s" };
                        let format = match self.format {
                            ResponseFormat::JsonSchema => "",
                            ResponseFormat::JsonObject => ", response_format json_object",
                            ResponseFormat::Plain => ", plain prompt",
                        };
                        return Ok(Plan {
                            script,
                            warnings,
                            summary: format!(
                                "http {} at {}{format}, {attempt} repair{s}",
                                self.config.model, self.config.base_url
                            ),
                        });
                    }
                    Err(errors) => Problem::Invalid(errors),
                },
                Err(why) => Problem::NotJson(why),
            };
            if let Some((what, _)) = previous.take() {
                warnings.push(format!(
                    "{what}; repair {attempt} of {MAX_REPAIRS} was not valid either"
                ));
            }
            if attempt == MAX_REPAIRS {
                // The warnings are lost with the plan: say how the model was asked.
                let via = match (self.format, self.config.response_format) {
                    (ResponseFormat::JsonSchema, _) => String::new(),
                    (ResponseFormat::JsonObject, _) => " (response_format json_object)".to_owned(),
                    (ResponseFormat::Plain, ResponseFormat::Plain) => " (plain prompt)".to_owned(),
                    (ResponseFormat::Plain, asked) => format!(
                        " (plain prompt: the server rejected response_format {})",
                        asked.name()
                    ),
                };
                let message = match problem {
                    Problem::Invalid(errors) => format!(
                        "the model {} at {}{via} still wrote an invalid script after \
                         {MAX_REPAIRS} repairs; try a larger model or the template planner: \
                         {errors}",
                        self.config.model, self.config.base_url
                    ),
                    Problem::NotJson(why) => format!(
                        "the server's reply is not JSON after {MAX_REPAIRS} repairs ({why}), \
                         model {} at {}{via}: {}",
                        self.config.model,
                        self.config.base_url,
                        quote(&content)
                    ),
                };
                return Err(self.error(message));
            }
            let (what, them, request) = match problem {
                Problem::Invalid(errors) => {
                    let n = errors.0.len();
                    let (s, them) = if n == 1 { ("", "it") } else { ("s", "them") };
                    (
                        format!("the model's script had {n} problem{s}"),
                        them,
                        prompt::repair_request(&errors.to_string()),
                    )
                }
                Problem::NotJson(why) => (
                    "the model's reply was not a JSON object".to_owned(),
                    "it",
                    prompt::Message {
                        role: "user",
                        content: format!(
                            "Your reply was not a JSON object: {why}. Reply with the whole \
                             script as one JSON object only, no other text."
                        ),
                    },
                ),
            };
            previous = Some((what, them));
            messages.push(message("assistant", &content));
            messages.push(message(request.role, &request.content));
        }
        unreachable!("the last attempt returns")
    }
}

/// Why a reply was sent back.
enum Problem {
    Invalid(ValidationErrors),
    NotJson(String),
}

/// A failed request: the message, and whether trying again may help.
struct Failure {
    message: String,
    transient: bool,
    /// What to do about it, said after the retry count.
    hint: Option<String>,
    /// The server refused the request's `response_format`.
    format_rejected: bool,
}

impl Failure {
    fn transient(message: String) -> Failure {
        Failure {
            message,
            transient: true,
            hint: None,
            format_rejected: false,
        }
    }

    fn fatal(message: String) -> Failure {
        Failure {
            message,
            transient: false,
            hint: None,
            format_rejected: false,
        }
    }

    fn hint(mut self, hint: &str) -> Failure {
        self.hint = Some(hint.to_owned());
        self
    }
}

fn message(role: &str, content: &str) -> Value {
    json!({ "role": role, "content": content })
}

/// The script's JSON Schema, as a value.
fn script_schema() -> Value {
    serde_json::from_str(&crate::script::schema::json_schema()).expect("the script schema is JSON")
}

/// The JSON object in a model's reply: the whole reply, or inside ```json fences, or with
/// text around it (after any `<think>` block a reasoning model writes first).
fn extract_json(content: &str) -> std::result::Result<Value, String> {
    let text = match content.rfind("</think>") {
        Some(i) => &content[i + "</think>".len()..],
        None => content,
    }
    .trim();
    if text.is_empty() {
        return Err("the reply is empty".into());
    }
    let (Some(start), Some(end)) = (text.find('{'), text.rfind('}')) else {
        return Err("there is no `{` ... `}` in it".into());
    };
    if start > end {
        return Err("there is no `{` ... `}` in it".into());
    }
    // The outermost braces; failing that, the first complete object from any `{`.
    let error = match serde_json::from_str::<Value>(&text[start..=end]) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    for (i, _) in text.match_indices('{').take(64) {
        let mut values = serde_json::Deserializer::from_str(&text[i..]).into_iter::<Value>();
        if let Some(Ok(value @ Value::Object(_))) = values.next() {
            return Ok(value);
        }
    }
    Err(format!("it does not parse ({error})"))
}

/// A server's own error text: `error.message`, `error` or `message`.
fn server_message(reply: &Value) -> Option<String> {
    let error = reply.get("error");
    error
        .and_then(|e| e.get("message"))
        .or(error)
        .or_else(|| reply.get("message"))
        .or_else(|| reply.get("detail"))
        .and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        })
}

/// At most [`QUOTE_CHARS`] characters of `text`, quoted, on one line.
fn quote(text: &str) -> String {
    let text = text.trim();
    let mut head: String = text.chars().take(QUOTE_CHARS).collect();
    if head.len() < text.len() {
        head.push_str("...");
    }
    format!("{head:?}")
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn flags_win_over_the_environment_and_the_url_has_a_default() {
        let env = [
            ("ONAIR_HTTP_URL", "http://env:1/v1"),
            ("ONAIR_HTTP_MODEL", "env-model"),
        ];
        let c =
            HttpConfig::from_lookup(Some("http://flag:2/v1".into()), None, lookup(&env)).unwrap();
        assert_eq!(
            (c.base_url.as_str(), c.model.as_str()),
            ("http://flag:2/v1", "env-model")
        );
        let c = HttpConfig::from_lookup(None, Some("m".into()), lookup(&[])).unwrap();
        assert_eq!(c.base_url, DEFAULT_BASE_URL);
        assert_eq!((c.timeout, c.retries), (DEFAULT_TIMEOUT, DEFAULT_RETRIES));
        assert!(!c.has_api_key());
    }

    #[test]
    fn a_missing_model_is_invalid_input_naming_the_flag_and_the_variable() {
        let err = HttpConfig::from_lookup(None, Some("  ".into()), lookup(&[])).unwrap_err();
        assert!(err.is_invalid_input());
        let text = err.to_string();
        assert!(
            text.contains("--model") && text.contains("ONAIR_HTTP_MODEL"),
            "{text}"
        );
    }

    #[test]
    fn the_timeout_comes_from_the_environment_and_nonsense_is_refused() {
        let env = [("ONAIR_HTTP_TIMEOUT", "2.5")];
        let c = HttpConfig::from_lookup(None, Some("m".into()), lookup(&env)).unwrap();
        assert_eq!(c.timeout, Duration::from_millis(2500));
        for bad in ["0", "-1", "soon", "NaN"] {
            let env = [("ONAIR_HTTP_TIMEOUT", bad)];
            let err = HttpConfig::from_lookup(None, Some("m".into()), lookup(&env)).unwrap_err();
            assert!(err.to_string().contains("ONAIR_HTTP_TIMEOUT"), "{err}");
        }
    }

    #[test]
    fn the_response_format_comes_from_the_environment() {
        let c = HttpConfig::from_lookup(None, Some("m".into()), lookup(&[])).unwrap();
        assert_eq!(c.response_format, ResponseFormat::JsonSchema);
        for (text, format) in [
            ("json_schema", ResponseFormat::JsonSchema),
            ("JSON_OBJECT", ResponseFormat::JsonObject),
            ("none", ResponseFormat::Plain),
            (" plain ", ResponseFormat::Plain),
        ] {
            let env = [(FORMAT_VAR, text)];
            let c = HttpConfig::from_lookup(None, Some("m".into()), lookup(&env)).unwrap();
            assert_eq!(c.response_format, format, "{text}");
            assert_eq!(ResponseFormat::parse(format.name()), Some(format));
        }
        let env = [(FORMAT_VAR, "xml")];
        let err = HttpConfig::from_lookup(None, Some("m".into()), lookup(&env)).unwrap_err();
        assert!(err.is_invalid_input());
        assert!(err.to_string().contains(FORMAT_VAR), "{err}");
        assert_eq!(ResponseFormat::Plain.field(), None);
    }

    #[test]
    fn max_tokens_comes_from_the_environment() {
        let c = HttpConfig::from_lookup(None, Some("m".into()), lookup(&[])).unwrap();
        assert_eq!(c.max_tokens, None);
        let env = [(MAX_TOKENS_VAR, "2048")];
        let c = HttpConfig::from_lookup(None, Some("m".into()), lookup(&env)).unwrap();
        assert_eq!(c.max_tokens, Some(2048));
        for bad in ["0", "-5", "lots", "1e3"] {
            let env = [(MAX_TOKENS_VAR, bad)];
            let err = HttpConfig::from_lookup(None, Some("m".into()), lookup(&env)).unwrap_err();
            assert!(err.to_string().contains(MAX_TOKENS_VAR), "{err}");
        }
    }

    #[test]
    fn the_key_is_read_from_either_variable_and_never_printed() {
        let env = [
            ("OPENAI_API_KEY", "sk-openai"),
            ("ONAIR_API_KEY", "sk-onair"),
        ];
        let c = HttpConfig::from_lookup(None, Some("m".into()), lookup(&env)).unwrap();
        assert_eq!(c.api_key.as_deref(), Some("sk-onair"));
        let debug = format!("{c:?}");
        assert!(
            debug.contains("api_key: set") && !debug.contains("sk-"),
            "{debug}"
        );
        let c = HttpConfig::from_lookup(None, Some("m".into()), lookup(&env[..1])).unwrap();
        assert_eq!(c.api_key.as_deref(), Some("sk-openai"));
        let planner = HttpPlanner::new(c).unwrap();
        let debug = format!("{planner:?}");
        assert!(!debug.contains("sk-openai"), "{debug}");
        let text = planner.redact("Incorrect API key provided: sk-openai".into());
        assert_eq!(text, "Incorrect API key provided: [API key]");
        let unset = HttpConfig::new(DEFAULT_BASE_URL, "m");
        assert!(format!("{unset:?}").contains("api_key: unset"));
    }

    #[test]
    fn a_url_without_a_scheme_is_invalid_input() {
        let err = HttpPlanner::new(HttpConfig::new("localhost:11434/v1", "m")).unwrap_err();
        assert!(err.is_invalid_input(), "{err}");
    }

    #[test]
    fn the_endpoint_appends_chat_completions_once() {
        let c = HttpConfig::new("http://h:1/v1/", "m");
        assert_eq!(c.endpoint(), "http://h:1/v1/chat/completions");
    }

    #[test]
    fn json_is_found_in_fences_text_and_think_blocks() {
        let plain = extract_json(r#"{"title": "A", "rows": []}"#).unwrap();
        assert_eq!(plain["title"], "A");
        let fenced = "Here is your script:\n```json\n{\"title\": \"B\", \"rows\": [{\"x\": {}}]}\n```\nEnjoy!";
        assert_eq!(extract_json(fenced).unwrap()["title"], "B");
        let think = "<think>I need {braces} here</think>\n{\"title\": \"C\"}";
        assert_eq!(extract_json(think).unwrap()["title"], "C");
        let around = "Use {curly} braces: {\"title\": \"D\"} and {that}";
        assert_eq!(extract_json(around).unwrap()["title"], "D");
        for bad in [
            "",
            "I cannot help with that.",
            "} backwards {",
            "{\"title\": ",
        ] {
            assert!(extract_json(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn server_messages_and_quotes() {
        let v = json!({"error": {"message": "model not found", "type": "x"}});
        assert_eq!(server_message(&v).as_deref(), Some("model not found"));
        let v = json!({"error": "busy"});
        assert_eq!(server_message(&v).as_deref(), Some("busy"));
        assert_eq!(server_message(&json!({"choices": []})), None);
        let long = "x".repeat(500);
        assert_eq!(quote(&long).len(), QUOTE_CHARS + 5);
        assert_eq!(seconds(Duration::from_secs(120)), "120 s");
        assert_eq!(seconds(Duration::from_millis(300)), "0.3 s");
    }

    #[test]
    fn the_request_schema_is_the_script_schema() {
        let schema = script_schema();
        assert!(schema.is_object());
        assert!(schema.to_string().contains("rows"));
    }
}
