//! A small in-process LSP test client over `Connection::memory()`. Every
//! message the server sends must be read by the test: `finish` fails on any
//! message left over.
#![allow(dead_code)]

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use quadlet_ls::lsp::{run_server, Outcome};
use quadlet_ls::workspace::{Fs, MemFs};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Client {
    conn: Connection,
    server: Option<JoinHandle<anyhow::Result<Outcome>>>,
    next_id: i32,
    /// Messages received while waiting for something else.
    pending: VecDeque<Message>,
    pub init_result: Value,
}

pub fn uri(path: &str) -> String {
    format!("file://{path}")
}

impl Client {
    /// Starts a server on a memory file system with the workspace root
    /// `/ws`, default client capabilities (snippets on, no dynamic
    /// registration) and no initialization options.
    pub fn start(fs: MemFs) -> Client {
        Self::start_with(Arc::new(fs), json!({}), None)
    }

    pub fn start_with(fs: Arc<dyn Fs>, extra_init: Value, root: Option<&str>) -> Client {
        let (server_conn, conn) = Connection::memory();
        let server = std::thread::spawn(move || run_server(server_conn, fs));
        let mut c = Client {
            conn,
            server: Some(server),
            next_id: 0,
            pending: VecDeque::new(),
            init_result: Value::Null,
        };
        let root = root.unwrap_or("/ws");
        let mut params = json!({
            "processId": null,
            "rootUri": uri(root),
            "capabilities": {
                "textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}
            }
        });
        merge(&mut params, extra_init);
        let r = c.request("initialize", params);
        c.init_result = r;
        c.notify("initialized", json!({}));
        c
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .expect("server gone");
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .expect("server gone");
        id
    }

    fn recv(&mut self) -> Message {
        self.conn
            .receiver
            .recv_timeout(TIMEOUT)
            .expect("no message from the server in time")
    }

    /// Waits for the response to `id`; returns it as JSON (`result` or
    /// `error`).
    pub fn response(&mut self, id: RequestId) -> Value {
        if let Some(i) = self
            .pending
            .iter()
            .position(|m| matches!(m, Message::Response(r) if r.id == id))
        {
            let m = self.pending.remove(i).unwrap();
            return response_json(m);
        }
        loop {
            let m = self.recv();
            if matches!(&m, Message::Response(r) if r.id == id) {
                return response_json(m);
            }
            self.pending.push_back(m);
        }
    }

    /// Sends a request and returns its `result`; fails on an error reply.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        let r = self.response(id);
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r.get("result").cloned().unwrap_or(Value::Null)
    }

    /// Sends a request and returns the whole reply (`result` or `error`).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// Waits for a notification (or server request) with this method,
    /// optionally for a given document URI; returns its params.
    pub fn expect_notification(&mut self, method: &str, for_uri: Option<&str>) -> Value {
        let hit = |m: &Message| match m {
            Message::Notification(n) => {
                n.method == method
                    && for_uri
                        .is_none_or(|u| n.params.get("uri").and_then(Value::as_str) == Some(u))
            }
            _ => false,
        };
        if let Some(i) = self.pending.iter().position(hit) {
            if let Some(Message::Notification(n)) = self.pending.remove(i) {
                return n.params;
            }
        }
        loop {
            let m = self.recv();
            if hit(&m) {
                if let Message::Notification(n) = m {
                    return n.params;
                }
            }
            self.pending.push_back(m);
        }
    }

    /// Waits for a request from the server (e.g. `client/registerCapability`),
    /// answers it with `null`, and returns its params.
    pub fn expect_server_request(&mut self, method: &str) -> Value {
        let hit = |m: &Message| matches!(m, Message::Request(r) if r.method == method);
        let m = match self.pending.iter().position(hit) {
            Some(i) => self.pending.remove(i).unwrap(),
            None => loop {
                let m = self.recv();
                if hit(&m) {
                    break m;
                }
                self.pending.push_back(m);
            },
        };
        let Message::Request(r) = m else {
            unreachable!()
        };
        self.conn
            .sender
            .send(Message::Response(Response::new_ok(r.id, Value::Null)))
            .unwrap();
        r.params
    }

    pub fn diagnostics(&mut self, path: &str) -> Value {
        self.expect_notification("textDocument/publishDiagnostics", Some(&uri(path)))
    }

    /// Opens a document and returns the diagnostics published for it.
    pub fn open(&mut self, path: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "quadlet", "version": 1, "text": text}}),
        );
        self.diagnostics(path)
    }

    /// `(line, character)` params for a position request.
    pub fn at(path: &str, line: u32, character: u32) -> Value {
        json!({"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character}})
    }

    /// Shuts down cleanly and fails if any message was left unread.
    pub fn finish(mut self) {
        assert!(
            self.pending.is_empty(),
            "unread messages from the server: {:#?}",
            self.pending
        );
        let id = self.send_request("shutdown", Value::Null);
        let r = self.response(id);
        assert_eq!(r.get("result"), Some(&Value::Null), "{r}");
        assert!(
            self.pending.is_empty(),
            "unread messages from the server: {:#?}",
            self.pending
        );
        self.notify("exit", Value::Null);
        let outcome = self
            .server
            .take()
            .unwrap()
            .join()
            .expect("server thread panicked");
        assert_eq!(outcome.expect("server failed"), Outcome::Clean);
        let left: Vec<Message> = self.conn.receiver.try_iter().collect();
        assert!(
            left.is_empty(),
            "unread messages from the server: {left:#?}"
        );
    }
}

fn response_json(m: Message) -> Value {
    serde_json::to_value(m).unwrap()
}

fn merge(a: &mut Value, b: Value) {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (a, b) => *a = b,
    }
}

/// A memory file system the test can change while the server runs.
#[derive(Clone, Default)]
pub struct SharedFs(pub Arc<std::sync::Mutex<MemFs>>);

impl SharedFs {
    pub fn new(fs: MemFs) -> Self {
        SharedFs(Arc::new(std::sync::Mutex::new(fs)))
    }
    pub fn insert(&self, path: &str, text: &str) {
        self.0.lock().unwrap().insert(path, text);
    }
    pub fn remove(&self, path: &str) {
        self.0.lock().unwrap().remove(std::path::Path::new(path));
    }
}

impl Fs for SharedFs {
    fn read(&self, path: &std::path::Path) -> std::io::Result<Vec<u8>> {
        self.0.lock().unwrap().read(path)
    }
    fn read_dir(&self, path: &std::path::Path) -> std::io::Result<Vec<String>> {
        self.0.lock().unwrap().read_dir(path)
    }
    fn is_dir(&self, path: &std::path::Path) -> bool {
        self.0.lock().unwrap().is_dir(path)
    }
    fn is_file(&self, path: &std::path::Path) -> bool {
        self.0.lock().unwrap().is_file(path)
    }
    fn canonicalize(&self, path: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
        self.0.lock().unwrap().canonicalize(path)
    }
    fn len(&self, path: &std::path::Path) -> std::io::Result<u64> {
        self.0.lock().unwrap().len(path)
    }
}
