-- quadlet-ls for Neovim: starts the server on Neovim 0.10 (0.11+ uses
-- `vim.lsp.enable('quadlet_ls')` with lsp/quadlet_ls.lua), and adds
-- :QuadletPreview and :QuadletCommand.
--
-- Options (all optional), set before this file runs:
--   vim.g.quadlet_ls = { cmd = {...}, settings = {...}, init_options = {...} }
--     overrides for the server config (both 0.10 and 0.11+)
--   vim.g.quadlet_ls_autostart = false
--     on 0.10: do not start the server for quadlet buffers by itself

if vim.g.loaded_quadlet_ls then
  return
end
vim.g.loaded_quadlet_ls = true

local NAME = 'quadlet_ls'
local has_config = vim.fn.has('nvim-0.11') == 1 and vim.lsp.config ~= nil

--- The server config from lsp/quadlet_ls.lua merged with vim.g.quadlet_ls.
local function base_config()
  local files = vim.api.nvim_get_runtime_file('lsp/' .. NAME .. '.lua', false)
  local ok, cfg = pcall(dofile, files[1] or '')
  if not ok or type(cfg) ~= 'table' then
    cfg = { cmd = { 'quadlet-ls', 'serve' }, filetypes = { 'quadlet' } }
  end
  if type(vim.g.quadlet_ls) == 'table' then
    cfg = vim.tbl_deep_extend('force', cfg, vim.g.quadlet_ls)
  end
  return cfg
end

if has_config then
  if type(vim.g.quadlet_ls) == 'table' then
    vim.lsp.config(NAME, vim.g.quadlet_ls)
  end
elseif vim.g.quadlet_ls_autostart ~= false then
  -- Neovim 0.10: no vim.lsp.config/enable, start the client from an autocmd.
  local group = vim.api.nvim_create_augroup('quadlet_ls_start', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = { 'quadlet', 'yaml' },
    callback = function(args)
      local cfg = base_config()
      if not vim.tbl_contains(cfg.filetypes or {}, vim.bo[args.buf].filetype) then
        return
      end
      local root
      if type(cfg.root_dir) == 'function' then
        cfg.root_dir(args.buf, function(dir)
          root = dir
        end)
        if not root then
          return -- e.g. YAML with no .kube unit near it
        end
      else
        root = cfg.root_dir or vim.fs.root(args.buf, cfg.root_markers or { '.git' })
      end
      vim.lsp.start({
        name = NAME,
        cmd = cfg.cmd,
        root_dir = root,
        init_options = cfg.init_options,
        settings = cfg.settings,
        on_init = function(client)
          if cfg.settings then
            client.notify('workspace/didChangeConfiguration', { settings = cfg.settings })
          end
        end,
      }, { bufnr = args.buf })
    end,
  })
end

local quadlet = require('quadlet')

vim.api.nvim_create_user_command('QuadletPreview', quadlet.preview, {
  desc = 'Show the systemd service generated from this Quadlet unit',
})
vim.api.nvim_create_user_command('QuadletCommand', quadlet.command, {
  desc = 'Show the podman command this Quadlet unit runs (also yanked)',
})

