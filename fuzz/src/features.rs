//! Target 5: completion, hover and code actions at positions picked by the
//! input, through the real language server over `Connection::memory()`.
//!
//! One server runs for the whole fuzzing session (starting one per input
//! would measure thread start-up, not the features). Each input opens its
//! files (see [`crate::input`]) as editor buffers under the workspace
//! root, asks for completion, hover and code actions at two positions in
//! each of the first files, plus the whole-document features once, and
//! closes the files again, so the server is back where it started.
//!
//! Input: four bytes for the two positions (line, character each; they may
//! lie past the end of a line or of the document), then the files.

use crate::input;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use quadlet_ls::workspace::MemFs;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex, OnceLock};

const ROOT: &str = "/ws";

struct Client {
    conn: Connection,
    next_id: i32,
}

impl Client {
    fn start() -> Client {
        let (server, conn) = Connection::memory();
        let fs = Arc::new(MemFs::new().dir(ROOT));
        std::thread::spawn(move || quadlet_ls::lsp::run_server(server, fs));
        let mut c = Client { conn, next_id: 0 };
        let init = json!({
            "processId": null,
            "rootUri": format!("file://{ROOT}"),
            "capabilities": {
                "textDocument": {"completion": {"completionItem": {"snippetSupport": true}}}
            }
        });
        let id = c.send("initialize", init);
        c.wait(&[id]);
        c.notify("initialized", json!({}));
        c
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.into(), params);
        self.conn
            .sender
            .send(Message::Notification(n))
            .expect("the server is gone");
    }

    fn send(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let r = Request::new(id.clone(), method.into(), params);
        self.conn
            .sender
            .send(Message::Request(r))
            .expect("the server is gone");
        id
    }

    /// Reads until every id in `ids` is answered. Notifications are
    /// dropped; requests from the server get an empty answer.
    fn wait(&mut self, ids: &[RequestId]) {
        let mut left = ids.len();
        while left > 0 {
            match self.conn.receiver.recv().expect("the server is gone") {
                Message::Response(r) => {
                    if ids.contains(&r.id) {
                        left -= 1;
                    }
                }
                Message::Request(r) => {
                    let result = match r.method.as_str() {
                        "workspace/configuration" => {
                            let n = r.params["items"].as_array().map_or(0, Vec::len);
                            Value::Array(vec![Value::Null; n])
                        }
                        _ => Value::Null,
                    };
                    let _ = self
                        .conn
                        .sender
                        .send(Message::Response(Response::new_ok(r.id, result)));
                }
                Message::Notification(_) => {}
            }
        }
    }
}

fn client() -> &'static Mutex<Client> {
    static CLIENT: OnceLock<Mutex<Client>> = OnceLock::new();
    CLIENT.get_or_init(|| Mutex::new(Client::start()))
}

/// Files whose requests are made (the others are only open).
const ASKED: usize = 3;

pub fn run(data: &[u8]) {
    let (pos, rest) = match data {
        [a, b, c, d, rest @ ..] => ([(*a, *b), (*c, *d)], rest),
        _ => return,
    };
    let files = input::files(rest);
    let mut c = client().lock().unwrap_or_else(|e| e.into_inner());
    let uris: Vec<String> = files
        .iter()
        .map(|f| format!("file://{ROOT}/{}", f.name))
        .collect();
    for (f, uri) in files.iter().zip(&uris) {
        let text = String::from_utf8_lossy(&f.text);
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "quadlet", "version": 1, "text": text}}),
        );
    }
    let mut ids = Vec::new();
    for uri in uris.iter().take(ASKED) {
        let doc = json!({ "uri": uri });
        let at = |(line, ch): (u8, u8)| json!({"line": line % 64, "character": ch});
        for p in pos {
            let here = json!({"textDocument": doc, "position": at(p)});
            ids.push(c.send("textDocument/completion", here.clone()));
            ids.push(c.send("textDocument/hover", here.clone()));
            ids.push(c.send("textDocument/definition", here));
        }
        let (start, end) = if pos[0] <= pos[1] {
            (pos[0], pos[1])
        } else {
            (pos[1], pos[0])
        };
        ids.push(c.send(
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": {"start": at(start), "end": at(end)},
                   "context": {"diagnostics": []}}),
        ));
        let whole =
            json!({"start": {"line": 0, "character": 0}, "end": {"line": 64, "character": 0}});
        ids.push(c.send(
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": whole, "context": {"diagnostics": []}}),
        ));
        ids.push(c.send("textDocument/documentSymbol", json!({"textDocument": doc})));
        ids.push(c.send(
            "textDocument/semanticTokens/full",
            json!({"textDocument": doc}),
        ));
        ids.push(c.send(
            "textDocument/inlayHint",
            json!({"textDocument": doc, "range": whole}),
        ));
    }
    for uri in &uris {
        c.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }
    c.wait(&ids);
}
