//! The language server: LSP 3.17 over stdio (or any
//! [`lsp_server::Connection`]), one file per feature.
//!
//! One thread runs the message loop and handles requests in order; the
//! generator preview runs on a worker thread. Diagnostics are computed when
//! no message is waiting, so a burst of edits is checked once.

mod code_action;
mod completion;
pub mod convert;
mod diagnostics;
mod documents;
pub mod framing;
mod hover;
mod inlay_hints;
pub mod names;
mod navigation;
mod preview;
pub mod refs;
mod semantic_tokens;
pub mod settings;
mod specifiers;
mod symbols;

use crate::line_index::Encoding;
use crate::workspace::{DiskFs, Fs, Workspace};
use documents::Doc;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{InitializeParams, PositionEncodingKind, Uri};
use serde_json::Value;
use settings::{Layer, Settings};
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{mpsc, Arc, RwLock};

/// The executeCommand and code-lens command that previews a unit.
pub const PREVIEW_COMMAND: &str = "quadlet-ls.preview";
/// The custom request that previews a unit.
pub const PREVIEW_METHOD: &str = "quadlet/preview";

/// Runs the server over stdio until the client exits.
///
/// The framing is read by [`framing::FrameReader`], not by `lsp-server`, so
/// a bad message gets an error reply and a line on stderr instead of ending
/// the server. Replies to bad messages and the server's own messages share
/// stdout under one lock, a whole message at a time.
pub fn serve() -> ExitCode {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        eprintln!("{TTY_NOTICE}");
    }
    serve_io(
        std::io::BufReader::new(std::io::stdin()),
        std::io::stdout(),
        Arc::new(DiskFs),
    )
}

/// [`serve`] over any byte streams: `input` is read through
/// [`framing::FrameReader`], every reply and server message is written to
/// `output` a whole frame at a time, and files are read through `fs`. The
/// stdio fuzz target runs this in memory.
pub fn serve_io<R, W>(input: R, output: W, fs: Arc<dyn Fs>) -> ExitCode
where
    R: std::io::BufRead + Send + 'static,
    W: std::io::Write + Send + 'static,
{
    let (server_side, client_side) = Connection::memory();
    let Connection {
        sender: to_server,
        receiver: from_server,
    } = client_side;
    let stdout = Arc::new(std::sync::Mutex::new(output));
    let reply_out = stdout.clone();
    // Not joined: it may be blocked reading stdin when the server is done.
    let reader = std::thread::Builder::new()
        .name("quadlet-ls-stdin".into())
        .spawn(move || {
            for frame in framing::FrameReader::new(input) {
                match frame {
                    framing::Frame::Message(m) => {
                        let exit = matches!(&m, Message::Notification(n) if n.method == "exit");
                        if to_server.send(m).is_err() || exit {
                            return;
                        }
                    }
                    framing::Frame::Problem { message, reply } => {
                        eprintln!("quadlet-ls: {message}");
                        if let Some(r) = reply {
                            let Ok(mut w) = reply_out.lock() else { return };
                            if framing::write_frame(&mut *w, &r.to_string()).is_err() {
                                return;
                            }
                        }
                    }
                }
            }
        });
    let writer = std::thread::Builder::new()
        .name("quadlet-ls-stdout".into())
        .spawn(move || -> std::io::Result<()> {
            for m in from_server {
                let Ok(mut w) = stdout.lock() else {
                    return Ok(());
                };
                m.write(&mut *w)?;
            }
            Ok(())
        });
    let (Ok(_), Ok(writer)) = (reader, writer) else {
        eprintln!("quadlet-ls serve: cannot start the stdio threads");
        return ExitCode::from(1);
    };
    let result = run_server(server_side, fs);
    // The server's senders are gone: the writer drains and stops.
    let written = writer.join();
    match (result, written) {
        (Ok(Outcome::Clean), Ok(Ok(()))) => ExitCode::SUCCESS,
        (Ok(Outcome::NoShutdown), _) => ExitCode::from(1),
        (Err(e), _) => {
            eprintln!("quadlet-ls serve: {e:#}");
            ExitCode::from(1)
        }
        (_, Ok(Err(e))) => {
            eprintln!("quadlet-ls serve: writing to stdout: {e}");
            ExitCode::from(1)
        }
        (_, Err(_)) => {
            eprintln!("quadlet-ls serve: the stdout thread panicked");
            ExitCode::from(1)
        }
    }
}

/// What `serve` says when started from a terminal.
pub const TTY_NOTICE: &str =
    "quadlet-ls serve speaks the Language Server Protocol on stdin/stdout; \
     an editor starts it as `quadlet-ls serve` (see docs/editors.md). Ctrl-D quits.";

/// How the server stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `shutdown` then `exit`.
    Clean,
    /// `exit` without `shutdown`, or the client went away.
    NoShutdown,
}

/// Runs the server on a connection until `exit` or until the client side
/// closes. Files are read through `fs`.
pub fn run_server(connection: Connection, fs: Arc<dyn Fs>) -> anyhow::Result<Outcome> {
    let Some((id, params)) = wait_for_initialize(&connection)? else {
        return Ok(Outcome::NoShutdown);
    };
    let init: InitializeParams = match serde_json::from_value(params.clone()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("quadlet-ls: initialize params: {e}; using defaults");
            InitializeParams::default()
        }
    };
    let (tx, rx) = mpsc::channel::<Event>();
    let sender = connection.sender.clone();
    let out: Out = Box::new(move |m| sender.send(m).is_ok());
    let mut server = Server::new(fs, &init, out, tx.clone());
    let caps = server.capabilities();
    let result = serde_json::json!({
        "capabilities": caps,
        "serverInfo": {"name": "quadlet-ls", "version": env!("CARGO_PKG_VERSION")},
    });
    // Not `initialize_finish`: it ends the server when the next message is
    // not `initialized`. The main loop ignores `initialized` like any
    // notification it has no use for.
    connection
        .sender
        .send(Response::new_ok(id, result).into())
        .map_err(|_| anyhow::anyhow!("the client is gone"))?;
    server.after_initialized();

    let receiver = connection.receiver.clone();
    std::thread::Builder::new()
        .name("quadlet-ls-reader".into())
        .spawn(move || {
            for m in receiver {
                if tx.send(Event::Message(m)).is_err() {
                    return;
                }
            }
            let _ = tx.send(Event::Closed);
        })?;
    Ok(server.main_loop(rx))
}

/// Reads messages until `initialize`, answering other requests with
/// ServerNotInitialized and dropping notifications and responses (unlike
/// `Connection::initialize_start`, which ends on a stray response).
/// `None` when `exit` comes first.
fn wait_for_initialize(connection: &Connection) -> anyhow::Result<Option<(RequestId, Value)>> {
    loop {
        let Ok(m) = connection.receiver.recv() else {
            anyhow::bail!("the client closed the connection before initialize");
        };
        match m {
            Message::Request(r) if r.method == "initialize" => return Ok(Some((r.id, r.params))),
            Message::Request(r) => {
                let resp = Response::new_err(
                    r.id,
                    ErrorCode::ServerNotInitialized as i32,
                    format!("`{}` before initialize", r.method),
                );
                if connection.sender.send(resp.into()).is_err() {
                    anyhow::bail!("the client is gone");
                }
            }
            Message::Notification(n) if n.method == "exit" => return Ok(None),
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
}

pub(crate) enum Event {
    Message(Message),
    /// A worker finished a request.
    Done(Response),
    /// The diagnostics worker finished a batch: (path, version, result).
    Diagnostics(Vec<(PathBuf, i32, Vec<crate::diag::Diagnostic>)>),
    /// The client side of the connection closed.
    Closed,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ClientCaps {
    pub snippets: bool,
    pub dynamic_watch: bool,
}

/// Sends a message to the client; false when the client is gone.
pub(crate) type Out = Box<dyn Fn(Message) -> bool + Send>;

pub(crate) struct Server {
    out: Out,
    events: mpsc::Sender<Event>,
    pub ws: Arc<RwLock<Workspace>>,
    pub docs: HashMap<PathBuf, Doc>,
    pub enc: Encoding,
    pub caps: ClientCaps,
    pub root: Option<PathBuf>,
    /// The workspace folders, in order.
    roots: Vec<PathBuf>,
    client_layer: Layer,
    file_layer: Layer,
    pub settings: Settings,
    /// What `podman --version` said, asked once for `auto`.
    auto_probe: Option<crate::release::Probe>,
    /// The settings messages shown last (not repeated while they stand).
    reported: Vec<String>,
    /// `initialized` was answered: messages may be sent.
    initialized: bool,
    pub refs: refs::RefIndex,
    /// Sorted workspace names for completion.
    pub names: names::NameIndex,
    /// Open documents whose diagnostics are out of date.
    dirty: BTreeSet<PathBuf>,
    /// The diagnostics worker's inbox; `None` until it is started.
    diag_jobs: Option<mpsc::Sender<(diagnostics::Env, Vec<diagnostics::Job>)>>,
    /// A batch is being checked on the worker.
    diag_busy: bool,
    /// Requests running on a worker: id -> cancelled.
    inflight: HashMap<RequestId, bool>,
    shutdown: bool,
    next_id: i32,
}

impl Server {
    fn new(
        fs: Arc<dyn Fs>,
        init: &InitializeParams,
        out: Out,
        events: mpsc::Sender<Event>,
    ) -> Server {
        let offered = init
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref());
        let enc = match offered {
            Some(list) if list.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        };
        let snippets = init
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false);
        let dynamic_watch = init
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let mut roots: Vec<PathBuf> = init
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| convert::uri_to_path(&f.uri))
            .collect();
        #[allow(deprecated)]
        if roots.is_empty() {
            if let Some(p) = init.root_uri.as_ref().and_then(convert::uri_to_path) {
                roots.push(p);
            }
        }
        let root = roots.first().cloned();
        let client_layer = init
            .initialization_options
            .as_ref()
            .map(settings::from_client)
            .unwrap_or_default();
        let ws = Workspace::load(fs, &roots);
        let names = names::NameIndex::build(&ws);
        let mut s = Server {
            out,
            events,
            ws: Arc::new(RwLock::new(ws)),
            docs: HashMap::new(),
            enc,
            caps: ClientCaps {
                snippets,
                dynamic_watch,
            },
            root,
            roots: roots.clone(),
            client_layer,
            file_layer: Layer::default(),
            settings: Settings::default(),
            auto_probe: None,
            reported: Vec::new(),
            initialized: false,
            refs: refs::RefIndex::default(),
            names,
            dirty: BTreeSet::new(),
            diag_jobs: None,
            diag_busy: false,
            inflight: HashMap::new(),
            shutdown: false,
            next_id: 0,
        };
        s.load_file_settings();
        s.index_refs();
        s
    }

    fn capabilities(&self) -> Value {
        let encoding = match self.enc {
            Encoding::Utf8 => "utf-8",
            _ => "utf-16",
        };
        serde_json::json!({
            "positionEncoding": encoding,
            "textDocumentSync": {"openClose": true, "change": 2},
            "completionProvider": {
                "triggerCharacters": ["[", "=", "%", ":", " ", ","],
                "resolveProvider": true
            },
            "hoverProvider": true,
            "definitionProvider": true,
            "referencesProvider": true,
            "documentSymbolProvider": true,
            "foldingRangeProvider": true,
            "codeActionProvider": {"codeActionKinds": ["quickfix", "source"]},
            "codeLensProvider": {"resolveProvider": false},
            "inlayHintProvider": true,
            "semanticTokensProvider": {
                "legend": {
                    "tokenTypes": semantic_tokens::TOKEN_TYPES,
                    "tokenModifiers": []
                },
                "full": true,
                "range": true
            },
            "executeCommandProvider": {"commands": [PREVIEW_COMMAND]},
            "workspace": {"workspaceFolders": {"supported": true, "changeNotifications": true}},
        })
    }

    /// Registers the file watchers when the client allows it.
    fn after_initialized(&mut self) {
        self.initialized = true;
        self.report_settings();
        if !self.caps.dynamic_watch {
            return;
        }
        let params = serde_json::json!({
            "registrations": [{
                "id": "quadlet-ls-watch",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": {"watchers": [
                    {"globPattern": "**/*.{container,volume,network,kube,pod,image,build,artifact,conf,yaml,yml}"},
                    {"globPattern": "**/quadlet-ls.toml"}
                ]}
            }]
        });
        self.request("client/registerCapability", params);
    }

    fn load_file_settings(&mut self) {
        self.file_layer = Layer::default();
        if let Some(root) = &self.root {
            let path = root.join("quadlet-ls.toml");
            let text = self.ws.read().ok().and_then(|ws| ws.read(&path).ok());
            if let Some(text) = text {
                let mut layer = settings::from_toml(&text).unwrap_or_else(|e| Layer {
                    problems: vec![e],
                    ..Layer::default()
                });
                for p in &mut layer.problems {
                    *p = format!("{}: {p}", path.display());
                }
                self.file_layer = layer;
            }
        }
        self.apply_settings();
    }

    /// Merges the layers into the effective settings and tells the user
    /// about bad values (once per distinct message).
    fn apply_settings(&mut self) {
        let cached = &mut self.auto_probe;
        self.settings = Settings::merge_with(&self.client_layer, &self.file_layer, || {
            cached
                .get_or_insert_with(crate::release::podman_on_path)
                .clone()
        });
        if self.initialized {
            self.report_settings();
        }
    }

    /// Shows the settings problems not shown yet (`window/showMessage`) and
    /// logs what `auto` resolved to when it fell back.
    fn report_settings(&mut self) {
        // (message, shown to the user rather than logged)
        let mut now: Vec<(String, bool)> = self
            .client_layer
            .problems
            .iter()
            .chain(&self.file_layer.problems)
            .map(|p| (format!("quadlet-ls: {p}"), true))
            .collect();
        if let Some(n) = &self.settings.release_note {
            now.push((format!("quadlet-ls: {n}"), false));
        }
        for (m, show) in &now {
            if self.reported.contains(m) {
                continue;
            }
            eprintln!("{m}");
            let (method, kind) = if *show {
                ("window/showMessage", 2)
            } else {
                ("window/logMessage", 3)
            };
            self.notify(method, serde_json::json!({"type": kind, "message": m}));
        }
        self.reported = now.into_iter().map(|(m, _)| m).collect();
    }

    /// Builds the reverse-reference index from every unit file (once).
    fn index_refs(&mut self) {
        let Ok(ws) = self.ws.read() else { return };
        let mut files: Vec<PathBuf> = ws.all_unit_files().to_vec();
        for d in ws.dirs() {
            if let Ok(names) = ws.fs().read_dir(d) {
                for n in names.iter().filter(|n| n.ends_with(".d")) {
                    let dir = d.join(n);
                    if let Ok(confs) = ws.fs().read_dir(&dir) {
                        files.extend(
                            confs
                                .iter()
                                .filter(|c| c.ends_with(".conf"))
                                .map(|c| dir.join(c)),
                        );
                    }
                }
            }
        }
        let mut pairs = Vec::new();
        for f in files {
            if let Ok(text) = ws.read(&f) {
                let doc = crate::syntax::parse(&text);
                pairs.push((f.clone(), targets_of(&doc, &f)));
            }
        }
        drop(ws);
        for (f, t) in pairs {
            self.refs.set(&f, t);
        }
    }

    fn main_loop(mut self, rx: mpsc::Receiver<Event>) -> Outcome {
        let mut queue: VecDeque<Event> = VecDeque::new();
        loop {
            if queue.is_empty() {
                if self.dirty.is_empty() || self.diag_busy {
                    match rx.recv() {
                        Ok(ev) => queue.push_back(ev),
                        Err(_) => return Outcome::NoShutdown,
                    }
                } else {
                    // Nothing waiting: the edits have settled, check them.
                    match rx.try_recv() {
                        Ok(ev) => queue.push_back(ev),
                        Err(mpsc::TryRecvError::Empty) => {
                            self.flush_diagnostics();
                            continue;
                        }
                        Err(mpsc::TryRecvError::Disconnected) => return Outcome::NoShutdown,
                    }
                }
            }
            while let Ok(ev) = rx.try_recv() {
                queue.push_back(ev);
            }
            self.cancel_queued(&mut queue);
            let Some(ev) = queue.pop_front() else {
                continue;
            };
            match ev {
                Event::Closed => {
                    return if self.shutdown {
                        Outcome::Clean
                    } else {
                        Outcome::NoShutdown
                    }
                }
                Event::Diagnostics(results) => {
                    self.diag_busy = false;
                    for (path, version, diags) in results {
                        diagnostics::publish(&mut self, &path, version, diags);
                    }
                }
                Event::Done(resp) => {
                    if self.inflight.remove(&resp.id) == Some(false) {
                        self.send(Message::Response(resp));
                    }
                }
                Event::Message(Message::Request(req)) => self.on_request(req),
                Event::Message(Message::Notification(n)) => {
                    if n.method == "exit" {
                        return if self.shutdown {
                            Outcome::Clean
                        } else {
                            Outcome::NoShutdown
                        };
                    }
                    self.on_notification(n);
                }
                Event::Message(Message::Response(_)) => {}
            }
        }
    }

    /// Answers `$/cancelRequest` for requests still in the queue or on a
    /// worker with RequestCanceled; cancels of finished requests are dropped.
    fn cancel_queued(&mut self, queue: &mut VecDeque<Event>) {
        let cancels: Vec<(usize, RequestId)> = queue
            .iter()
            .enumerate()
            .filter_map(|(i, ev)| match ev {
                Event::Message(Message::Notification(n)) if n.method == "$/cancelRequest" => {
                    cancel_id(&n.params).map(|id| (i, id))
                }
                _ => None,
            })
            .collect();
        if cancels.is_empty() {
            return;
        }
        let mut drop_idx: HashSet<usize> = cancels.iter().map(|(i, _)| *i).collect();
        for (ci, id) in &cancels {
            let queued = queue.iter().enumerate().position(|(i, ev)| {
                i < *ci && matches!(ev, Event::Message(Message::Request(r)) if &r.id == id)
            });
            if let Some(qi) = queued {
                drop_idx.insert(qi);
                self.send_cancelled(id.clone());
            } else if let Some(c) = self.inflight.get_mut(id) {
                if !*c {
                    *c = true;
                    self.send_cancelled(id.clone());
                }
            }
        }
        let mut i = 0;
        queue.retain(|_| {
            let keep = !drop_idx.contains(&i);
            i += 1;
            keep
        });
    }

    fn send_cancelled(&self, id: RequestId) {
        self.send(Message::Response(Response::new_err(
            id,
            ErrorCode::RequestCanceled as i32,
            "canceled".into(),
        )));
    }

    pub(crate) fn send(&self, m: Message) {
        if !(self.out)(m) {
            eprintln!("quadlet-ls: cannot send: the client is gone");
        }
    }

    fn request(&mut self, method: &str, params: Value) {
        self.next_id += 1;
        let id = RequestId::from(format!("quadlet-ls/{}", self.next_id));
        self.send(Message::Request(Request::new(id, method.into(), params)));
    }

    pub(crate) fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Message::Notification(Notification::new(
            method.into(),
            params,
        )));
    }

    fn on_request(&mut self, req: Request) {
        let id = req.id.clone();
        let method = req.method.clone();
        if self.shutdown && method != "shutdown" {
            self.send(Message::Response(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            )));
            return;
        }
        let started = std::time::Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| self.dispatch(req)));
        let reply = match result {
            // Built directly: `Response::new_ok` would copy the value.
            Ok(Reply::Ok(v)) => Some(Response {
                id,
                response_result: Ok(v),
            }),
            Ok(Reply::Err(code, msg)) => Some(Response::new_err(id, code as i32, msg)),
            Ok(Reply::Later) => None,
            Err(p) => {
                let msg = panic_message(&p);
                eprintln!("quadlet-ls: {method} panicked: {msg}");
                Some(Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    format!("internal error in {method}: {msg}"),
                ))
            }
        };
        if let Some(r) = reply {
            self.send(Message::Response(r));
            if timing() {
                eprintln!(
                    "quadlet-ls timing: {method} {}us",
                    started.elapsed().as_micros()
                );
            }
        }
    }

    fn dispatch(&mut self, req: Request) -> Reply {
        let p = req.params;
        match req.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Reply::Ok(Value::Null)
            }
            "textDocument/completion" => with(p, |x| completion::completion(self, x)),
            "completionItem/resolve" => with(p, completion::resolve),
            "textDocument/hover" => with(p, |x| hover::hover(self, x)),
            "textDocument/definition" => with(p, |x| navigation::definition(self, x)),
            "textDocument/references" => with(p, |x| navigation::references(self, x)),
            "textDocument/documentSymbol" => with(p, |x| symbols::document_symbols(self, x)),
            "textDocument/foldingRange" => with(p, |x| symbols::folding_ranges(self, x)),
            "textDocument/semanticTokens/full" => with(p, |x| semantic_tokens::full(self, x)),
            "textDocument/semanticTokens/range" => with(p, |x| semantic_tokens::range(self, x)),
            "textDocument/inlayHint" => with(p, |x| inlay_hints::inlay_hints(self, x)),
            "textDocument/codeAction" => with(p, |x| code_action::code_actions(self, x)),
            "textDocument/codeLens" => with(p, |x| preview::code_lens(self, x)),
            PREVIEW_METHOD => match preview::target_from_params(&p) {
                Some(uri) => self.spawn_preview(req.id, uri),
                None => Reply::Err(
                    ErrorCode::InvalidParams,
                    "expected {textDocument: {uri}}".into(),
                ),
            },
            "workspace/executeCommand" => {
                let cmd = p.get("command").and_then(Value::as_str).unwrap_or("");
                if cmd != PREVIEW_COMMAND {
                    return Reply::Err(
                        ErrorCode::InvalidParams,
                        format!("unknown command `{cmd}`"),
                    );
                }
                match preview::target_from_command(&p) {
                    Some(uri) => self.spawn_preview(req.id, uri),
                    None => Reply::Err(ErrorCode::InvalidParams, "expected arguments [uri]".into()),
                }
            }
            #[cfg(test)]
            "quadlet-ls/test-panic" => panic!("test panic"),
            m => Reply::Err(ErrorCode::MethodNotFound, format!("unhandled method {m}")),
        }
    }

    fn spawn_preview(&mut self, id: RequestId, uri: Uri) -> Reply {
        let Some(path) = convert::uri_to_path(&uri) else {
            return Reply::Err(ErrorCode::InvalidParams, "not a file: URI".into());
        };
        let ws = self.ws.clone();
        let settings = self.settings.clone();
        let enc = self.enc;
        let events = self.events.clone();
        self.inflight.insert(id.clone(), false);
        let spawned = std::thread::Builder::new()
            .name("quadlet-ls-preview".into())
            .spawn({
                let id = id.clone();
                move || {
                    let result = catch_unwind(AssertUnwindSafe(|| {
                        let ws = ws
                            .read()
                            .map_err(|_| "workspace lock poisoned".to_string())?;
                        Ok::<_, String>(preview::preview(&ws, &path, &settings, enc))
                    }));
                    let resp = match result {
                        Ok(Ok(v)) => Response::new_ok(id, v),
                        Ok(Err(msg)) => Response::new_err(id, ErrorCode::InternalError as i32, msg),
                        Err(p) => {
                            let msg = panic_message(&p);
                            eprintln!("quadlet-ls: preview panicked: {msg}");
                            Response::new_err(
                                id,
                                ErrorCode::InternalError as i32,
                                format!("internal error in preview: {msg}"),
                            )
                        }
                    };
                    let _ = events.send(Event::Done(resp));
                }
            });
        match spawned {
            Ok(_) => Reply::Later,
            Err(e) => {
                self.inflight.remove(&id);
                Reply::Err(
                    ErrorCode::InternalError,
                    format!("cannot start a worker: {e}"),
                )
            }
        }
    }

    fn on_notification(&mut self, n: Notification) {
        let method = n.method.clone();
        let result = catch_unwind(AssertUnwindSafe(|| self.notification(n)));
        if let Err(p) = result {
            eprintln!("quadlet-ls: {method} panicked: {}", panic_message(&p));
        }
    }

    fn notification(&mut self, n: Notification) {
        let p = n.params;
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(x) = serde_json::from_value(p) {
                    documents::did_open(self, x);
                }
            }
            "textDocument/didChange" => {
                if let Ok(x) = serde_json::from_value(p) {
                    documents::did_change(self, x);
                }
            }
            "textDocument/didClose" => {
                if let Ok(x) = serde_json::from_value(p) {
                    documents::did_close(self, x);
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if let Ok(x) = serde_json::from_value(p) {
                    documents::did_change_watched_files(self, x);
                }
            }
            "workspace/didChangeWorkspaceFolders" => {
                let paths = |k: &str| -> Vec<PathBuf> {
                    p.get("event")
                        .and_then(|e| e.get(k))
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|f| f.get("uri")?.as_str()?.parse::<Uri>().ok())
                        .filter_map(|u| convert::uri_to_path(&u))
                        .collect()
                };
                let (added, removed) = (paths("added"), paths("removed"));
                self.roots.retain(|r| !removed.contains(r));
                for a in added {
                    if !self.roots.contains(&a) {
                        self.roots.push(a);
                    }
                }
                self.root = self.roots.first().cloned();
                if let Ok(mut ws) = self.ws.write() {
                    ws.set_roots(&self.roots);
                    self.names = names::NameIndex::build(&ws);
                }
                self.refs = refs::RefIndex::default();
                self.index_refs();
                for path in self.docs.keys().cloned().collect::<Vec<_>>() {
                    documents::update_refs(self, &path);
                }
                self.load_file_settings();
                self.mark_all_dirty();
            }
            "workspace/didChangeConfiguration" => {
                let settings = p.get("settings").cloned().unwrap_or(Value::Null);
                if !settings.is_null() {
                    self.client_layer = settings::from_client(&settings);
                }
                self.apply_settings();
                self.mark_all_dirty();
            }
            _ => {}
        }
    }

    pub(crate) fn mark_dirty(&mut self, path: &Path) {
        if self.docs.contains_key(path) {
            self.dirty.insert(path.to_path_buf());
        }
    }

    pub(crate) fn mark_all_dirty(&mut self) {
        let all: Vec<PathBuf> = self.docs.keys().cloned().collect();
        self.dirty.extend(all);
    }

    /// Marks the open documents that reference `path` (by unit name or as a
    /// file) so cross-file diagnostics follow.
    pub(crate) fn mark_users_dirty(&mut self, path: &Path) {
        let mut users: Vec<PathBuf> = self
            .refs
            .users(&refs::Target::File(path.to_path_buf()))
            .map(Path::to_path_buf)
            .collect();
        if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            users.extend(
                self.refs
                    .users(&refs::Target::Unit(name.to_string()))
                    .map(Path::to_path_buf),
            );
        }
        for u in users {
            self.mark_dirty(&u);
        }
    }

    pub(crate) fn diag_env(&self) -> diagnostics::Env {
        diagnostics::Env {
            ws: self.ws.clone(),
            settings: self.settings.clone(),
        }
    }

    /// Hands the out-of-date documents to the diagnostics worker (started
    /// on first use). Results come back as [`Event::Diagnostics`]; a result
    /// for an old version is dropped, the newer one is already queued.
    fn flush_diagnostics(&mut self) {
        let dirty = std::mem::take(&mut self.dirty);
        let jobs: Vec<diagnostics::Job> = dirty
            .iter()
            .filter_map(|p| diagnostics::job(self, p))
            .collect();
        if jobs.is_empty() {
            return;
        }
        if self.diag_jobs.is_none() {
            self.diag_jobs = self.start_diagnostics_worker();
        }
        let env = self.diag_env();
        let sent = match &self.diag_jobs {
            Some(tx) => tx.send((env, jobs)).map_err(|e| e.0),
            None => Err((self.diag_env(), Vec::new())),
        };
        match sent {
            Ok(()) => self.diag_busy = true,
            Err((env, jobs)) => {
                // No worker: check here.
                for j in &jobs {
                    let d = run_job(&env, j);
                    diagnostics::publish(self, &j.path, j.version, d);
                }
            }
        }
    }

    fn start_diagnostics_worker(
        &self,
    ) -> Option<mpsc::Sender<(diagnostics::Env, Vec<diagnostics::Job>)>> {
        let (tx, rx) = mpsc::channel::<(diagnostics::Env, Vec<diagnostics::Job>)>();
        let events = self.events.clone();
        let spawned = std::thread::Builder::new()
            .name("quadlet-ls-diagnostics".into())
            .spawn(move || {
                for (env, jobs) in rx {
                    let results = jobs
                        .iter()
                        .map(|j| (j.path.clone(), j.version, run_job(&env, j)))
                        .collect();
                    if events.send(Event::Diagnostics(results)).is_err() {
                        return;
                    }
                }
            });
        match spawned {
            Ok(_) => Some(tx),
            Err(e) => {
                eprintln!("quadlet-ls: cannot start the diagnostics worker: {e}");
                None
            }
        }
    }

    /// The text of a document: the open buffer, or the file on disk.
    pub(crate) fn text(&self, uri: &Uri) -> Option<(PathBuf, Doc)> {
        let path = convert::uri_to_path(uri)?;
        if let Some(d) = self.docs.get(&path) {
            return Some((path, d.clone()));
        }
        let text = self.ws.read().ok()?.read(&path).ok()?;
        Some((path, Doc::new(uri.clone(), text, 0)))
    }
}

pub(crate) fn targets_of(doc: &crate::syntax::Document, path: &Path) -> Vec<refs::Target> {
    refs::extract(doc, path)
        .into_iter()
        .map(|r| r.target)
        .collect()
}

/// Whether `QUADLET_LS_LOG_TIMING` is set: then the server logs how long
/// each request took, and the time from a `didChange` to its diagnostics, to
/// stderr (used by `benches/lsp_latency.py`).
pub(crate) fn timing() -> bool {
    static T: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *T.get_or_init(|| std::env::var_os("QUADLET_LS_LOG_TIMING").is_some_and(|v| !v.is_empty()))
}

pub(crate) enum Reply {
    Ok(Value),
    Err(ErrorCode, String),
    /// Answered later by a worker.
    Later,
}

fn with<P: serde::de::DeserializeOwned, R: serde::Serialize>(
    params: Value,
    f: impl FnOnce(P) -> R,
) -> Reply {
    match serde_json::from_value::<P>(params) {
        Ok(p) => match serde_json::to_value(f(p)) {
            Ok(v) => Reply::Ok(v),
            Err(e) => Reply::Err(ErrorCode::InternalError, e.to_string()),
        },
        Err(e) => Reply::Err(ErrorCode::InvalidParams, e.to_string()),
    }
}

/// Checks one document; a panic in a check becomes no diagnostics and a
/// message on stderr.
fn run_job(env: &diagnostics::Env, job: &diagnostics::Job) -> Vec<crate::diag::Diagnostic> {
    match catch_unwind(AssertUnwindSafe(|| diagnostics::compute(env, job))) {
        Ok(d) => d,
        Err(p) => {
            eprintln!(
                "quadlet-ls: diagnostics for {} panicked: {}",
                job.path.display(),
                panic_message(&p)
            );
            Vec::new()
        }
    }
}

fn cancel_id(params: &Value) -> Option<RequestId> {
    match params.get("id")? {
        Value::Number(n) => n.as_i64().map(|i| RequestId::from(i as i32)),
        Value::String(s) => Some(RequestId::from(s.clone())),
        _ => None,
    }
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::MemFs;
    use std::sync::Mutex;

    fn server() -> (Server, Arc<Mutex<Vec<Message>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let s2 = sent.clone();
        let out: Out = Box::new(move |m| {
            s2.lock().unwrap().push(m);
            true
        });
        let (tx, _rx) = mpsc::channel();
        let s = Server::new(
            Arc::new(MemFs::new()),
            &InitializeParams::default(),
            out,
            tx,
        );
        (s, sent)
    }

    fn req(id: i32) -> Event {
        Event::Message(Message::Request(Request::new(
            id.into(),
            "textDocument/hover".into(),
            Value::Null,
        )))
    }

    fn cancel(id: i32) -> Event {
        Event::Message(Message::Notification(Notification::new(
            "$/cancelRequest".into(),
            serde_json::json!({"id": id}),
        )))
    }

    fn error_codes(sent: &Mutex<Vec<Message>>) -> Vec<(String, i32)> {
        sent.lock()
            .unwrap()
            .iter()
            .filter_map(|m| match m {
                Message::Response(r) => r
                    .response_result
                    .as_ref()
                    .err()
                    .map(|e| (r.id.to_string(), e.code)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn cancel_removes_queued_requests_and_marks_inflight_ones() {
        let (mut s, sent) = server();
        s.inflight.insert(RequestId::from(7), false);
        let mut q: VecDeque<Event> = [req(1), req(2), cancel(2), cancel(7), cancel(99)].into();
        s.cancel_queued(&mut q);
        assert_eq!(q.len(), 1);
        assert!(matches!(&q[0], Event::Message(Message::Request(r)) if r.id == 1.into()));
        let c = ErrorCode::RequestCanceled as i32;
        assert_eq!(
            error_codes(&sent),
            [("2".to_string(), c), ("7".to_string(), c)]
        );
        assert_eq!(s.inflight.get(&RequestId::from(7)), Some(&true));
    }

    /// Pseudo-random unit-like texts through the per-position features:
    /// nothing panics, whatever the offset.
    #[test]
    fn features_survive_random_text_at_every_offset() {
        let atoms = [
            "[Container]",
            "[",
            "]",
            "\n",
            "=",
            "Image",
            "PublishPort",
            "%",
            "%h",
            "\\\n",
            "# c",
            "; c",
            " ",
            "é",
            "😀",
            "\r",
            "Network=db.network",
            "Volume=a.volume:/x",
            "Pull=never",
            "\t",
            "[Unit]",
            "After=",
            "x",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..300 {
            let n = (next() % 30) as usize;
            let text: String = (0..n)
                .map(|_| atoms[(next() % atoms.len() as u64) as usize])
                .collect();
            let doc = crate::syntax::parse(&text);
            let toks = semantic_tokens::tokens(&text);
            for w in toks.windows(2) {
                assert!(w[0].0.end <= w[1].0.start, "{text:?}: {toks:?}");
            }
            for off in 0..=text.len() + 1 {
                let _ = completion::context(&text, &doc, off);
                let _ = hover::unit_hover_for_test(&text, off);
            }
        }
    }

    #[test]
    fn a_panicking_handler_answers_internal_error() {
        let (mut s, sent) = server();
        s.on_request(Request::new(
            5.into(),
            "quadlet-ls/test-panic".into(),
            Value::Null,
        ));
        assert_eq!(
            error_codes(&sent),
            [("5".to_string(), ErrorCode::InternalError as i32)]
        );
        // The server still answers afterwards.
        s.on_request(Request::new(6.into(), "shutdown".into(), Value::Null));
        assert_eq!(sent.lock().unwrap().len(), 2);
    }
}
