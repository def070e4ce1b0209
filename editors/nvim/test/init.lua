-- Minimal config for the headless end-to-end test. Environment:
--   QUADLET_NVIM_PLUGIN  the editors/nvim folder
--   QUADLET_LS           the server binary
--   QUADLET_NVIM_MODE    'enable' (0.11+: vim.lsp.config/enable) or 'start' (0.10: the plugin's autocmd)
local plugin = assert(os.getenv('QUADLET_NVIM_PLUGIN'), 'QUADLET_NVIM_PLUGIN unset')
local server = assert(os.getenv('QUADLET_LS'), 'QUADLET_LS unset')
local mode = os.getenv('QUADLET_NVIM_MODE') or 'start'

vim.opt.runtimepath:prepend(plugin)
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'

if mode == 'enable' then
  vim.lsp.config('quadlet_ls', { cmd = { server, 'serve' } })
  vim.lsp.enable('quadlet_ls')
else
  vim.g.quadlet_ls = { cmd = { server, 'serve' } }
end
