-- quadlet-ls helpers for Neovim: the preview of the generated service.
-- Used by plugin/quadlet.lua; callable as require('quadlet').preview() etc.

local NAME = 'quadlet_ls'
local M = {}

--- The quadlet_ls client attached to `bufnr`.
local function client_for(bufnr)
  local clients = vim.lsp.get_clients({ bufnr = bufnr, name = NAME })
  return clients[1]
end

local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Lines of the preview: the generator's messages as comments, then the service.
local function preview_lines(result, bufnr)
  local lines = {}
  local sev = { 'error', 'warning', 'info', 'hint' }
  for _, d in ipairs(result.diagnostics or {}) do
    local s = type(d.severity) == 'number' and sev[d.severity] or d.severity or 'error'
    local code = d.code and (' [' .. tostring(d.code) .. ']') or ''
    table.insert(lines, ('# %s%s: %s'):format(s, code, (d.message or ''):gsub('\n', ' ')))
  end
  local service = result.service
  if type(service) == 'string' and service ~= '' then
    if #lines > 0 then
      table.insert(lines, '')
    end
    vim.list_extend(lines, vim.split(service:gsub('\n$', ''), '\n', { plain = true }))
  elseif #lines == 0 then
    table.insert(lines, '# ' .. vim.fs.basename(vim.api.nvim_buf_get_name(bufnr)) .. ' generates no service')
  end
  return lines
end

--- Ask the server for the preview of `bufnr` and call `cb(err, result)`.
function M.fetch(bufnr, cb)
  local client = client_for(bufnr)
  if not client then
    cb('quadlet-ls is not attached to this buffer')
    return
  end
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }
  request(client, 'quadlet/preview', params, function(err, result)
    if err then
      cb(err.message or vim.inspect(err))
    elseif type(result) ~= 'table' then
      cb('the server sent no preview')
    else
      cb(nil, result)
    end
  end, bufnr)
end

local function set_lines(buf, lines)
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].modified = false
end

--- Refresh the preview buffer `pbuf` from the unit in `bufnr`.
local function refresh(bufnr, pbuf)
  M.fetch(bufnr, function(err, result)
    vim.schedule(function()
      if not vim.api.nvim_buf_is_valid(pbuf) then
        return
      end
      if err then
        set_lines(pbuf, { '# the preview failed: ' .. tostring(err) })
      else
        set_lines(pbuf, preview_lines(result, bufnr))
      end
    end)
  end)
end

--- :QuadletPreview: the generated service of the current unit in a split,
--- refreshed each time the unit is written.
function M.preview(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  if not client_for(bufnr) then
    vim.notify('QuadletPreview: quadlet-ls is not attached to this buffer', vim.log.levels.WARN)
    return
  end
  local base = vim.fs.basename(vim.api.nvim_buf_get_name(bufnr)):gsub('%.[^.]+$', '')
  local pname = ('quadlet-preview://%s/%s.service'):format(bufnr, base ~= '' and base or 'unit')
  local pbuf = vim.fn.bufnr(pname)
  if pbuf == -1 then
    pbuf = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(pbuf, pname)
    vim.bo[pbuf].buftype = 'nofile'
    vim.bo[pbuf].bufhidden = 'hide'
    vim.bo[pbuf].swapfile = false
    vim.bo[pbuf].filetype = 'systemd'
  end
  local win = vim.fn.bufwinid(pbuf)
  if win == -1 then
    local cur = vim.api.nvim_get_current_win()
    vim.cmd(((opts and opts.smods and opts.smods.horizontal) and '' or 'vertical ') .. 'sbuffer ' .. pbuf)
    vim.api.nvim_set_current_win(cur)
  end
  set_lines(pbuf, { '# generating the preview...' })
  refresh(bufnr, pbuf)
  local group = vim.api.nvim_create_augroup('quadlet_preview_' .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd('BufWritePost', {
    group = group,
    buffer = bufnr,
    callback = function()
      if vim.api.nvim_buf_is_valid(pbuf) then
        refresh(bufnr, pbuf)
      else
        vim.api.nvim_del_augroup_by_id(group)
      end
    end,
  })
end

--- :QuadletCommand: the podman command the unit runs.
function M.command()
  local bufnr = vim.api.nvim_get_current_buf()
  M.fetch(bufnr, function(err, result)
    vim.schedule(function()
      if err then
        vim.notify('QuadletCommand: ' .. tostring(err), vim.log.levels.ERROR)
        return
      end
      local cmd = result.command
      if type(cmd) == 'table' then
        cmd = table.concat(cmd, ' ')
      end
      if type(cmd) ~= 'string' or cmd == '' then
        vim.notify('QuadletCommand: this unit runs no podman command', vim.log.levels.WARN)
        return
      end
      vim.fn.setreg('"', cmd)
      vim.notify(cmd, vim.log.levels.INFO)
    end)
  end)
end

return M
