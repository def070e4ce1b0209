// VS Code client for quadlet-ls: starts the server over stdio, forwards the
// settings, and adds the preview of the generated systemd service.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
} from 'vscode-languageclient/node';

const SECTION = 'quadlet-ls';
const PREVIEW_SCHEME = 'quadlet-preview';
const SERVER_PREVIEW_COMMAND = 'quadlet-ls.preview';

interface PreviewDiagnostic {
  message?: string;
  severity?: string | number;
  code?: string;
}

interface PreviewResult {
  serviceName?: string;
  service?: string;
  command?: string | string[];
  diagnostics?: PreviewDiagnostic[];
}

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let preview: PreviewProvider;

/** The settings the server reads, under its own section name. */
function serverSettings(): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    [SECTION]: {
      // "" means not set: the server then uses quadlet-ls.toml or its default.
      podmanVersion: c.get<string>('podmanVersion', ''),
      user: c.get<boolean>('user', false),
      disabledRules: c.get<string[]>('disabledRules', []),
      kubeGlobs: c.get<string[]>('kubeGlobs', []),
    },
  };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/')) return path.join(os.homedir(), p.slice(2));
  return p;
}

/** The setting, else `quadlet-ls` on PATH, else the binary in `server/`. */
export function resolveServer(context: vscode.ExtensionContext): string | undefined {
  const exe = process.platform === 'win32' ? 'quadlet-ls.exe' : 'quadlet-ls';
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>('server.path', '').trim();
  if (configured) {
    let p = expandHome(configured);
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!path.isAbsolute(p) && folder) p = path.join(folder.uri.fsPath, p);
    return p;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, exe);
    if (isExecutable(candidate)) return candidate;
  }
  const bundled = context.asAbsolutePath(path.join('server', exe));
  if (isExecutable(bundled)) return bundled;
  return undefined;
}

function createClient(context: vscode.ExtensionContext): LanguageClient | undefined {
  const command = resolveServer(context);
  if (!command) {
    void vscode.window.showErrorMessage(
      'Quadlet: no quadlet-ls binary found. Set "quadlet-ls.server.path", put quadlet-ls on PATH, or install the platform-specific extension.',
    );
    return undefined;
  }
  output.appendLine(`Starting ${command} serve`);
  const serverOptions: ServerOptions = {
    run: { command, args: ['serve'] },
    debug: { command, args: ['serve'] },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'quadlet' },
      // YAML that .kube units reference: the server only answers for those.
      { language: 'yaml', scheme: 'file' },
    ],
    initializationOptions: serverSettings(),
    outputChannel: output,
    middleware: {
      // The server's "Preview service" lens runs our command, which opens the
      // side editor, instead of a bare workspace/executeCommand.
      async provideCodeLenses(document, token, next) {
        const lenses = await next(document, token);
        return lenses?.map((lens) => rewriteLens(lens, document.uri));
      },
      async resolveCodeLens(lens, token, next) {
        const resolved = await next(lens, token);
        return resolved ? rewriteLens(resolved) : resolved;
      },
    },
  };
  return new LanguageClient(SECTION, 'Quadlet language server', serverOptions, clientOptions);
}

function rewriteLens(lens: vscode.CodeLens, fallback?: vscode.Uri): vscode.CodeLens {
  const cmd = lens.command;
  if (cmd && cmd.command === SERVER_PREVIEW_COMMAND) {
    const arg = cmd.arguments?.[0];
    const uri = typeof arg === 'string' ? vscode.Uri.parse(arg) : (fallback ?? arg);
    lens.command = { title: cmd.title, command: 'quadlet.showPreview', arguments: [uri] };
  }
  return lens;
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  client = createClient(context);
  if (!client) return;
  try {
    await client.start();
  } catch (e) {
    output.appendLine(`quadlet-ls failed to start: ${String(e)}`);
    void vscode.window.showErrorMessage(`Quadlet: the language server failed to start: ${String(e)}`);
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c && c.state !== State.Stopped) {
    try {
      await c.stop();
    } catch (e) {
      output.appendLine(`stopping quadlet-ls: ${String(e)}`);
    }
  }
}

async function requestPreview(source: vscode.Uri): Promise<PreviewResult> {
  if (!client || client.state !== State.Running) {
    throw new Error('the language server is not running');
  }
  return client.sendRequest<PreviewResult>('quadlet/preview', {
    textDocument: { uri: source.toString() },
  });
}

function severityName(s: string | number | undefined): string {
  if (typeof s === 'string') return s;
  return ['', 'error', 'warning', 'info', 'hint'][s ?? 1] ?? 'error';
}

function formatPreview(source: vscode.Uri, r: PreviewResult): string {
  const lines: string[] = [];
  for (const d of r.diagnostics ?? []) {
    const code = d.code ? ` [${d.code}]` : '';
    lines.push(`# ${severityName(d.severity)}${code}: ${(d.message ?? '').replace(/\n/g, ' ')}`);
  }
  if (r.service) {
    if (lines.length) lines.push('');
    lines.push(r.service.replace(/\n$/, ''));
  } else if (!lines.length) {
    lines.push(`# ${path.basename(source.fsPath)} generates no service`);
  }
  return lines.join('\n') + '\n';
}

/** Virtual read-only documents: quadlet-preview:/<name>.service?<source uri>. */
class PreviewProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  static uriFor(source: vscode.Uri): vscode.Uri {
    const base = path.basename(source.path).replace(/\.[^.]+$/, '');
    return vscode.Uri.from({
      scheme: PREVIEW_SCHEME,
      path: `/${base || 'unit'}.service`,
      query: source.toString(),
    });
  }

  static sourceOf(previewUri: vscode.Uri): vscode.Uri {
    return vscode.Uri.parse(previewUri.query);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = PreviewProvider.sourceOf(uri);
    try {
      return formatPreview(source, await requestPreview(source));
    } catch (e) {
      return `# The preview failed: ${String(e instanceof Error ? e.message : e)}\n`;
    }
  }

  /** Refresh the previews of `source`, debounced while typing. */
  schedule(source: vscode.Uri, delayMs = 300): void {
    const target = PreviewProvider.uriFor(source);
    const open = vscode.workspace.textDocuments.some((d) => d.uri.toString() === target.toString());
    if (!open) return;
    const key = target.toString();
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.changed.fire(target);
      }, delayMs),
    );
  }

  refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) {
      if (d.uri.scheme === PREVIEW_SCHEME) this.changed.fire(d.uri);
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.changed.dispose();
  }
}

function activeUnit(arg?: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.parse(arg);
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const uri = editor.document.uri;
  return uri.scheme === PREVIEW_SCHEME ? PreviewProvider.sourceOf(uri) : uri;
}

async function showPreview(arg?: unknown): Promise<void> {
  const source = activeUnit(arg);
  if (!source) {
    void vscode.window.showWarningMessage('Quadlet: open a unit file to preview its service.');
    return;
  }
  const doc = await vscode.workspace.openTextDocument(PreviewProvider.uriFor(source));
  await vscode.languages.setTextDocumentLanguage(doc, 'ini');
  await vscode.window.showTextDocument(doc, {
    viewColumn: vscode.ViewColumn.Beside,
    preserveFocus: true,
    preview: false,
  });
}

async function showCommand(arg?: unknown): Promise<void> {
  const source = activeUnit(arg);
  if (!source) {
    void vscode.window.showWarningMessage('Quadlet: open a unit file to see its podman command.');
    return;
  }
  let result: PreviewResult;
  try {
    result = await requestPreview(source);
  } catch (e) {
    void vscode.window.showErrorMessage(`Quadlet: ${String(e instanceof Error ? e.message : e)}`);
    return;
  }
  const command = Array.isArray(result.command) ? result.command.join(' ') : (result.command ?? '');
  if (!command) {
    const why = (result.diagnostics ?? []).map((d) => d.message).join('; ');
    void vscode.window.showWarningMessage(`Quadlet: no podman command${why ? `: ${why}` : ''}`);
    return;
  }
  output.appendLine(`${path.basename(source.fsPath)}: ${command}`);
  const pick = await vscode.window.showInformationMessage(command, 'Copy', 'Show in output');
  if (pick === 'Copy') await vscode.env.clipboard.writeText(command);
  if (pick === 'Show in output') output.show(true);
}

/** Folding of `[Section]` blocks, which indentation folding cannot see. */
const sectionFolding: vscode.FoldingRangeProvider = {
  provideFoldingRanges(document) {
    const ranges: vscode.FoldingRange[] = [];
    let start = -1;
    let last = -1;
    for (let i = 0; i < document.lineCount; i++) {
      const text = document.lineAt(i).text;
      if (/^\s*\[/.test(text)) {
        if (start >= 0 && last > start) ranges.push(new vscode.FoldingRange(start, last));
        start = i;
        last = i;
      } else if (text.trim() !== '') {
        last = i;
      }
    }
    if (start >= 0 && last > start) ranges.push(new vscode.FoldingRange(start, last));
    return ranges;
  },
};

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Quadlet', { log: true });
  preview = new PreviewProvider();
  context.subscriptions.push(
    output,
    preview,
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, preview),
    vscode.languages.registerFoldingRangeProvider({ language: 'quadlet' }, sectionFolding),
    vscode.commands.registerCommand('quadlet.showPreview', showPreview),
    vscode.commands.registerCommand('quadlet.showCommand', showCommand),
    vscode.commands.registerCommand('quadlet.restartServer', async () => {
      await stopClient();
      await startClient(context);
      preview.refreshAll();
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.scheme !== PREVIEW_SCHEME && e.contentChanges.length) {
        preview.schedule(e.document.uri);
      }
    }),
    vscode.workspace.onDidSaveTextDocument((d) => preview.schedule(d.uri, 0)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      if (e.affectsConfiguration(`${SECTION}.server.path`)) {
        await stopClient();
        await startClient(context);
      } else if (client && client.state === State.Running) {
        const settings = serverSettings();
        output.appendLine(`settings changed: ${JSON.stringify(settings)}`);
        await client.sendNotification(DidChangeConfigurationNotification.type, { settings });
      }
      preview.refreshAll();
    }),
  );
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
