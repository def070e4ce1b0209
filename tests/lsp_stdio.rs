//! The built binary over real stdio: initialize, open a file, receive its
//! diagnostics, shut down, exit code 0.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

fn send(w: &mut impl Write, v: &Value) {
    let body = v.to_string();
    write!(w, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
    w.flush().unwrap();
}

fn recv(r: &mut impl BufRead) -> Value {
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        assert!(r.read_line(&mut line).unwrap() > 0, "server closed stdout");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse().unwrap();
        }
    }
    let mut buf = vec![0; len];
    r.read_exact(&mut buf).unwrap();
    serde_json::from_slice(&buf).unwrap()
}

#[test]
fn serve_over_stdio() {
    let dir = std::env::temp_dir().join(format!("quadlet-ls-stdio-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("web.container");
    std::fs::write(&file, "[Container]\nImage=x\nbroken line\n").unwrap();
    let root_uri = format!("file://{}", dir.display());
    let file_uri = format!("file://{}", file.display());

    let mut child = Command::new(env!("CARGO_BIN_EXE_quadlet-ls"))
        .arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());

    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": null, "rootUri": root_uri, "capabilities": {}}}),
    );
    let init = recv(&mut stdout);
    assert_eq!(init["id"], 1);
    assert_eq!(
        init["result"]["capabilities"]["textDocumentSync"]["change"],
        2
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": {"textDocument": {"uri": file_uri, "languageId": "ini", "version": 1,
                   "text": "[Container]\nImage=x\nbroken line\n"}}}),
    );
    let diag = recv(&mut stdout);
    assert_eq!(diag["method"], "textDocument/publishDiagnostics");
    assert_eq!(diag["params"]["uri"], file_uri);
    let list = diag["params"]["diagnostics"].as_array().unwrap();
    assert!(
        list.iter().any(|d| d["range"]["start"]["line"] == 2),
        "{diag}"
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    let r = recv(&mut stdout);
    assert_eq!(r["id"], 2);
    assert_eq!(r["result"], Value::Null);
    send(&mut stdin, &json!({"jsonrpc": "2.0", "method": "exit"}));
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status {status}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The server's stdout read on a thread, so that a server that stops
/// answering fails the test instead of hanging it.
struct Replies(std::sync::mpsc::Receiver<Value>);

impl Replies {
    fn new(stdout: std::process::ChildStdout) -> Replies {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse().ok();
                    }
                }
                let mut buf = vec![0; len.expect("a Content-Length from the server")];
                if std::io::Read::read_exact(&mut r, &mut buf).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice(&buf).unwrap()).is_err() {
                    return;
                }
            }
        });
        Replies(rx)
    }

    fn next(&self) -> Value {
        self.0
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("no message from the server within 20 s")
    }
}

/// Every bad-framing case, each followed by a normal request that must get
/// its answer; then EOF in the middle of a message ends the server.
#[test]
fn bad_framing_is_answered_and_the_server_goes_on() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quadlet-ls"))
        .arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let replies = Replies::new(child.stdout.take().unwrap());
    let stderr = child.stderr.take().unwrap();
    let log = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut { stderr }, &mut s);
        s
    });
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"processId": null, "capabilities": {}}}),
    );
    assert_eq!(replies.next()["id"], 0);
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );

    let ping = |id: i64| {
        let body = json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol",
            "params": {"textDocument": {"uri": "file:///nowhere/x.container"}}})
        .to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    };
    let framed = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
    let not_rpc = r#"{"jsonrpc":"2.0","id":5,"method":7}"#;
    // (name, bytes, the error reply expected before the answer)
    type Case = (&'static str, String, Option<(i64, Value)>);
    let cases: Vec<Case> = vec![
        (
            "body not JSON",
            framed("{oops"),
            Some((-32700, Value::Null)),
        ),
        (
            "JSON, not JSON-RPC",
            framed("[1]"),
            Some((-32600, Value::Null)),
        ),
        (
            "bad method, id kept",
            framed(not_rpc),
            Some((-32600, json!(5))),
        ),
        (
            "no Content-Length",
            "Content-Type: application/vscode-jsonrpc\r\n\r\n{\"x\":1}".to_string(),
            Some((-32600, Value::Null)),
        ),
        (
            "Content-Length not a number",
            "Content-Length: twelve\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}".to_string(),
            None,
        ),
        (
            "Content-Length larger than the body",
            "Content-Length: 4000\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}".to_string(),
            None,
        ),
        (
            "extra headers and Content-Type",
            format!(
                "X-Trace: 1\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n{}",
                framed(r#"{"jsonrpc":"2.0","method":"x"}"#)
            ),
            None,
        ),
        (
            "over the size limit",
            "Content-Length: 900000000\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}".to_string(),
            Some((-32600, Value::Null)),
        ),
        ("junk between messages", "hello\r\n".to_string(), None),
    ];
    for (i, (name, bytes, reply)) in cases.iter().enumerate() {
        let id = 100 + i as i64;
        stdin.write_all(bytes.as_bytes()).unwrap();
        stdin.write_all(ping(id).as_bytes()).unwrap();
        stdin.flush().unwrap();
        if let Some((code, rid)) = reply {
            let r = replies.next();
            assert_eq!(r["error"]["code"], *code, "{name}: {r}");
            assert_eq!(r["id"], *rid, "{name}: {r}");
        }
        let r = replies.next();
        assert_eq!(r["id"], id, "{name}: {r}");
        assert!(r.get("error").is_none(), "{name}: {r}");
    }
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    assert_eq!(replies.next()["id"], 2);
    // EOF in the middle of a message.
    stdin
        .write_all(b"Content-Length: 80\r\n\r\n{\"jsonrpc\":\"2.0\",")
        .unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    let log = log.join().unwrap();
    assert!(status.success(), "exit status {status}; stderr:\n{log}");
    assert!(!log.contains("panicked"), "{log}");
    // One line per problem (the over-limit body is two: its length, then
    // the refusal).
    let problems = log
        .lines()
        .filter(|l| l.starts_with("quadlet-ls: "))
        .count();
    assert!(problems > cases.len(), "{log}");
    assert!(log.contains("ended after"), "{log}");
    // Not a terminal: no notice.
    assert!(
        !log.contains("speaks the Language Server Protocol"),
        "{log}"
    );
}

/// On a terminal (a pseudo-terminal made by util-linux `script`), `serve`
/// says what it is and how editors start it. Skipped without `script`.
#[test]
fn serve_on_a_terminal_says_what_it_is() {
    let bin = env!("CARGO_BIN_EXE_quadlet-ls");
    let spawned = Command::new("script")
        .args(["-qec", &format!("{bin} serve"), "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = spawned else {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    };
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        while out.read_line(&mut line).unwrap_or(0) > 0 {
            if line.contains("quadlet-ls") {
                let _ = tx.send(line.clone());
                return;
            }
            line.clear();
        }
    });
    let line = rx.recv_timeout(std::time::Duration::from_secs(20));
    let _ = child.kill();
    let _ = child.wait();
    let line = line.expect("no notice on the terminal");
    assert!(line.contains("Language Server Protocol"), "{line}");
    assert!(line.contains("quadlet-ls serve"), "{line}");
}
