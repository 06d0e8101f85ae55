//! A real headless Chromium for the tests, driven over the W3C WebDriver
//! protocol by Debian's `chromedriver` (plain HTTP and JSON, spoken with
//! ureq): nothing is downloaded, and a machine without the browser fails
//! the test with the command that installs it.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The W3C identifier of a JSON element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// `chromedriver` and one browser session; both end when dropped.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    pub downloads: PathBuf,
}

/// An element of the page.
#[derive(Debug, Clone)]
pub struct Element(String);

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(300)))
            .build(),
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a `width`×`height`
    /// window, which logs its console and network, and saves downloads
    /// in `downloads`.
    pub fn start(width: u32, height: u32, downloads: &Path) -> Browser {
        for tool in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(tool).exists(),
                "{tool} is missing: the web tests need Debian's browser \
                 (apt-get install -y chromium chromium-driver)"
            );
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while agent().get(&format!("{base}/status")).call().is_err() {
            assert!(start.elapsed() < Duration::from_secs(30), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "unhandledPromptBehavior": "ignore",
            "goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"},
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    format!("--window-size={width},{height}"),
                    "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-default-apps",
                    "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
                ],
                "prefs": {
                    "download.default_directory": downloads.to_string_lossy(),
                    "download.prompt_for_download": false,
                    "download.directory_upgrade": true,
                },
                "perfLoggingPrefs": {"enableNetwork": true, "enablePage": false},
            },
        }}});
        let mut browser = Browser { driver, base, session: String::new(), downloads: downloads.to_owned() };
        let v = browser.raw("POST", "/session", Some(caps));
        browser.session =
            v["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {v}")).to_string();
        browser
    }

    fn raw(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let r = match method {
            "GET" => agent().get(&url).call(),
            "DELETE" => agent().delete(&url).call(),
            _ => agent()
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.unwrap_or(json!({})).to_string().as_bytes()),
        };
        let mut r = r.unwrap_or_else(|e| panic!("webdriver {method} {path}: {e}"));
        let text = r.body_mut().with_config().limit(1 << 30).read_to_string().unwrap();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("webdriver answer not JSON ({e}): {text}"))
    }

    /// A session command; a WebDriver error fails the test with its message.
    #[track_caller]
    pub fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let v = self.try_cmd(method, path, body);
        match v {
            Ok(v) => v,
            Err(e) => panic!("webdriver {method} {path}: {e}"),
        }
    }

    /// A session command, its WebDriver error as `Err(name: message)`.
    pub fn try_cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let v = self.raw(method, &format!("/session/{}{path}", self.session), body);
        let value = v["value"].clone();
        match value.get("error").and_then(Value::as_str) {
            Some(e) => Err(format!("{e}: {}", value["message"].as_str().unwrap_or(""))),
            None => Ok(value),
        }
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url})));
    }

    /// Runs `script` (a function body; `arguments` are `args`) and gives
    /// what it returns.
    #[track_caller]
    pub fn js(&self, script: &str, args: Value) -> Value {
        self.cmd("POST", "/execute/sync", Some(json!({"script": script, "args": args})))
    }

    /// The first element matching a CSS selector.
    #[track_caller]
    pub fn find(&self, css: &str) -> Element {
        let v = self.cmd("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        Element(v[ELEMENT_KEY].as_str().unwrap().to_string())
    }

    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let v = self.cmd("POST", "/elements", Some(json!({"using": "css selector", "value": css})));
        v.as_array().unwrap().iter().map(|e| Element(e[ELEMENT_KEY].as_str().unwrap().to_string())).collect()
    }

    /// A real click (the browser's own pointer events) on `css`.
    #[track_caller]
    pub fn click(&self, css: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{}/click", e.0), None);
    }

    /// Moves the pointer over the centre of `css` (hover).
    #[track_caller]
    pub fn hover(&self, css: &str) {
        let e = self.find(css);
        let mut origin = serde_json::Map::new();
        origin.insert(ELEMENT_KEY.to_string(), Value::String(e.0));
        let actions = json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [{"type": "pointerMove", "duration": 0, "origin": origin, "x": 0, "y": 0}]}]});
        self.cmd("POST", "/actions", Some(actions));
    }

    /// Types `text` into `css` (for a file input: newline-separated paths).
    #[track_caller]
    pub fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{}/value", e.0), Some(json!({"text": text})));
    }

    #[track_caller]
    pub fn clear(&self, css: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{}/clear", e.0), None);
    }

    /// Waits until `script` returns something other than null or false,
    /// and gives it; fails after `timeout` with `what`.
    #[track_caller]
    pub fn wait_for(&self, what: &str, timeout: Duration, script: &str, args: Value) -> Value {
        let start = Instant::now();
        loop {
            let v = self.js(script, args.clone());
            if !v.is_null() && v != Value::Bool(false) {
                return v;
            }
            assert!(start.elapsed() < timeout, "timed out after {timeout:?} waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The text of an open JavaScript dialog, if one is open.
    pub fn open_dialog(&self) -> Option<String> {
        self.try_cmd("GET", "/alert/text", None).ok().map(|v| v.as_str().unwrap_or("").to_string())
    }

    /// The browser's console entries since the last call: (level, message).
    pub fn console(&self) -> Vec<(String, String)> {
        self.log("browser")
            .iter()
            .map(|e| {
                (
                    e["level"].as_str().unwrap_or("").to_string(),
                    e["message"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    }

    /// The URLs of every network request the page made since the last call.
    pub fn requests(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in self.log("performance") {
            let Ok(m) = serde_json::from_str::<Value>(e["message"].as_str().unwrap_or("")) else { continue };
            if m["message"]["method"] == "Network.requestWillBeSent" {
                out.push(m["message"]["params"]["request"]["url"].as_str().unwrap_or("").to_string());
            }
        }
        out
    }

    fn log(&self, kind: &str) -> Vec<Value> {
        self.cmd("POST", "/se/log", Some(json!({"type": kind}))).as_array().cloned().unwrap_or_default()
    }

    /// A PNG of the window.
    pub fn screenshot(&self) -> Vec<u8> {
        use base64::Engine as _;
        let v = self.cmd("GET", "/screenshot", None);
        base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap()).unwrap()
    }

    pub fn set_window(&self, width: u32, height: u32) {
        self.cmd("POST", "/window/rect", Some(json!({"width": width, "height": height})));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.raw("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
