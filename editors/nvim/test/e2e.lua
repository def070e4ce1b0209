-- Headless end-to-end test of editors/nvim against the real server.
-- Run by run.sh: nvim --headless -u init.lua -c 'luafile e2e.lua' PROJECT
-- Prints one line per check and "<label>: N passed, N failed"; exits with
-- the number of failures (capped at 100).
local project = assert(os.getenv('QUADLET_PROJECT'), 'QUADLET_PROJECT unset')
local server = os.getenv('QUADLET_LS')
local mode = os.getenv('QUADLET_NVIM_MODE') or 'start'
local v = vim.version()
local label = ('nvim %d.%d.%d (%s)'):format(v.major, v.minor, v.patch, mode)
local passed, failed = 0, 0

local function out(s)
  io.stdout:write(s .. '\n')
  io.stdout:flush()
end

local function check(name, fn)
  local ok, err = pcall(fn)
  if ok then
    passed = passed + 1
    out('ok - ' .. name)
  else
    failed = failed + 1
    out('not ok - ' .. name .. ': ' .. tostring(err):gsub('\n', ' '))
  end
end

local function wait(ms, cond, what)
  if not vim.wait(ms, cond, 50) then
    error('timed out after ' .. ms .. ' ms waiting for ' .. what, 2)
  end
end

local function client_of(buf)
  return vim.lsp.get_clients({ bufnr = buf, name = 'quadlet_ls' })[1]
end

local function line(buf, n)
  return vim.api.nvim_buf_get_lines(buf, n - 1, n, false)[1]
end

-- Answer every vim.ui.select with its first item (a code action menu).
vim.ui.select = function(items, _, on_choice)
  on_choice(items[1], items[1] and 1 or nil)
end

check('config loads with no error', function()
  assert(vim.v.errmsg == '', 'v:errmsg: ' .. vim.v.errmsg)
  assert(vim.fn.exists(':QuadletPreview') == 2, ':QuadletPreview is missing')
  assert(vim.fn.exists(':QuadletCommand') == 2, ':QuadletCommand is missing')
  if mode == 'enable' then
    assert(vim.fn.has('nvim-0.11') == 1, 'mode enable needs 0.11+')
    local cfg = vim.lsp.config.quadlet_ls
    assert(cfg, 'vim.lsp.config.quadlet_ls is nil')
    assert(cfg.cmd[1] == server, 'cmd not overridden: ' .. vim.inspect(cfg.cmd))
    assert(vim.tbl_contains(cfg.filetypes, 'quadlet'), 'filetypes: ' .. vim.inspect(cfg.filetypes))
    assert(cfg.init_options and cfg.init_options['quadlet-ls'], 'init_options missing')
  else
    assert(vim.fn.has('nvim-0.11') == 0 or vim.lsp.config ~= nil, 'unexpected version')
  end
  local spec = dofile(vim.api.nvim_get_runtime_file('lsp/quadlet_ls.lua', false)[1])
  assert(spec.cmd[1] == 'quadlet-ls' and spec.cmd[2] == 'serve', 'lsp/quadlet_ls.lua cmd')
  assert(type(spec.root_markers) == 'table' and type(spec.settings) == 'table', 'lspconfig shape')
end)

check('filetype detection: units and their drop-ins only', function()
  -- editors/test/file-patterns.txt, shared with tests/editor_configs.rs
  local file = vim.env.QUADLET_NVIM_PLUGIN .. '/../test/file-patterns.txt'
  local n = 0
  for line in io.lines(file) do
    local want, path = line:match('^(%a+) (.+)$')
    if want and not line:match('^#') then
      n = n + 1
      local ft = vim.filetype.match({ filename = path })
      if want == 'yes' then
        assert(ft == 'quadlet', path .. ' detected as ' .. tostring(ft))
      else
        assert(ft ~= 'quadlet', path .. ' wrongly detected as quadlet')
      end
    end
  end
  assert(n > 20, 'only ' .. n .. ' paths in ' .. file)
end)

local unit = project .. '/web.container'
vim.cmd.edit(vim.fn.fnameescape(unit))
local buf = vim.api.nvim_get_current_buf()

check('server attaches to the unit', function()
  assert(vim.bo[buf].filetype == 'quadlet', 'filetype is ' .. vim.bo[buf].filetype)
  wait(15000, function()
    local c = client_of(buf)
    return c ~= nil and c.initialized == true
  end, 'quadlet_ls to attach')
end)

check('diagnostics arrive for the unknown key', function()
  wait(15000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.lnum == 6 and d.message:find('Environmen', 1, true) then
        return true
      end
    end
    return false
  end, 'a diagnostic on line 7 naming Environmen')
end)

check('completion returns the section keys', function()
  -- a new empty line inside [Container]
  vim.api.nvim_buf_set_lines(buf, 7, 7, false, { '' })
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 7, character = 0 } }
  local res = vim.lsp.buf_request_sync(buf, 'textDocument/completion', params, 10000)
  vim.api.nvim_buf_set_lines(buf, 7, 8, false, {})
  assert(res, 'no answer')
  local labels = {}
  for _, r in pairs(res) do
    assert(not r.err, r.err and r.err.message)
    local items = r.result and (r.result.items or r.result) or {}
    for _, it in ipairs(items) do
      labels[#labels + 1] = it.label
    end
  end
  -- keys that the unit does not set yet (a set single-value key may be left out)
  local want = { Volume = false, Network = false, ContainerName = false }
  for _, l in ipairs(labels) do
    local key = l:match('^([%w]+)')
    if key and want[key] ~= nil then
      want[key] = true
    end
  end
  for k, seen in pairs(want) do
    assert(seen, k .. ' not among ' .. #labels .. ' items: ' .. table.concat(vim.list_slice(labels, 1, 10), ', '))
  end
end)

check('hover on a key explains it', function()
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 4, character = 2 } }
  local res = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 10000)
  assert(res, 'no answer')
  local text = ''
  for _, r in pairs(res) do
    if r.result and r.result.contents then
      local c = r.result.contents
      text = text .. (type(c) == 'string' and c or c.value or vim.inspect(c))
    end
  end
  assert(#text > 10, 'empty hover')
end)

check('a quick fix applies', function()
  vim.api.nvim_win_set_cursor(0, { 7, 0 })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(a)
      return a.edit ~= nil or a.command ~= nil or a.kind == 'quickfix'
    end,
  })
  wait(10000, function()
    return line(buf, 7) == 'Environment=GREETING=hello'
  end, 'line 7 to read Environment=GREETING=hello (it reads ' .. tostring(line(buf, 7)) .. ')')
  wait(10000, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.message:find('Environmen', 1, true) and d.lnum == 6 then
        return false
      end
    end
    return true
  end, 'the diagnostic to go')
end)

local function preview_buf()
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_get_name(b):match('^quadlet%-preview://') then
      return b
    end
  end
end

local function preview_has(text)
  local pb = preview_buf()
  if not pb then
    return false
  end
  return table.concat(vim.api.nvim_buf_get_lines(pb, 0, -1, false), '\n'):find(text, 1, true) ~= nil
end

check(':QuadletPreview shows the service in a split', function()
  vim.cmd("silent write")
  vim.cmd('QuadletPreview')
  local pb = preview_buf()
  assert(pb, 'no preview buffer')
  assert(vim.fn.bufwinid(pb) ~= -1, 'the preview is not in a window')
  assert(#vim.api.nvim_tabpage_list_wins(0) >= 2, 'no split')
  assert(vim.api.nvim_get_current_buf() == buf, 'focus left the unit')
  wait(10000, function()
    return preview_has('ExecStart=')
  end, 'ExecStart= in the preview')
end)

check('the preview refreshes on save', function()
  vim.api.nvim_buf_set_lines(buf, 7, 7, false, { 'Environment=SAVED_EDIT=1' })
  vim.cmd("silent write")
  wait(10000, function()
    return preview_has('SAVED_EDIT=1')
  end, 'SAVED_EDIT=1 in the preview')
end)

check(':QuadletCommand yanks the podman command', function()
  vim.fn.setreg('"', '')
  vim.cmd('QuadletCommand')
  wait(10000, function()
    return vim.fn.getreg('"'):find('podman', 1, true) ~= nil
  end, 'a podman command in the unnamed register')
end)

check('YAML without a .kube unit nearby is left alone', function()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  vim.fn.writefile({ 'apiVersion: v1', 'kind: ConfigMap' }, dir .. '/other.yaml')
  vim.cmd.edit(vim.fn.fnameescape(dir .. '/other.yaml'))
  local ybuf = vim.api.nvim_get_current_buf()
  vim.wait(500)
  assert(client_of(ybuf) == nil, 'quadlet_ls attached to an unrelated YAML file')
end)

check('YAML beside a .kube unit gets the server', function()
  vim.cmd.edit(vim.fn.fnameescape(project .. '/app.yaml'))
  local ybuf = vim.api.nvim_get_current_buf()
  wait(10000, function()
    return client_of(ybuf) ~= nil
  end, 'quadlet_ls to attach to app.yaml')
end)

out(('%s: %d passed, %d failed'):format(label, passed, failed))
vim.cmd('cquit ' .. math.min(failed, 100))
