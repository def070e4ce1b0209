---@brief
---
--- https://github.com/quadlet-ls/quadlet-ls
---
--- Language server for Podman Quadlet units (`.container`, `.volume`,
--- `.network`, `.kube`, `.pod`, `.image`, `.build`, `.artifact`, their `.d/`
--- drop-ins) and the Kubernetes YAML that `.kube` units run: diagnostics,
--- completion, hover, quick fixes and a preview of the generated service.
---
--- Install the `quadlet-ls` binary (`cargo install --locked --path .` in the
--- repository) and enable it:
--- ```lua
--- vim.lsp.enable('quadlet_ls')
--- ```
--- Unit files need the `quadlet` filetype, which this repository's
--- `editors/nvim` plugin (or your own `vim.filetype.add`) provides.
---
--- YAML buffers are attached only when a `.kube` unit lies in the same folder
--- or a folder above, so that other YAML stays with its own server.

--- `podmanVersion` is the podman release the units target: a line from 4.4
--- to 6.1 (`'5.4'`, `'5.8.6'`), or `'auto'` for the `podman` on PATH. Left
--- out (nil), the server uses `podman-version` from `quadlet-ls.toml`, else
--- its default, the newest release (6.1). See docs/releases.md.
local settings = {
  ['quadlet-ls'] = {
    -- podmanVersion = 'auto',
    user = false,
    disabledRules = {},
    kubeGlobs = {},
  },
}

local unit_exts = { 'container', 'volume', 'network', 'kube', 'pod', 'image', 'build', 'artifact' }

--- A `.kube` unit in the folder of `path` or a folder above it.
local function kube_unit_near(path)
  local found = vim.fs.find(function(name)
    return name:match('%.kube$') ~= nil
  end, { path = vim.fs.dirname(path), upward = true, type = 'file', limit = 1, stop = vim.uv.os_homedir() })
  return found[1]
end

---@type vim.lsp.Config
return {
  cmd = { 'quadlet-ls', 'serve' },
  filetypes = { 'quadlet', 'yaml' },
  root_markers = { '.git' },
  ---@param bufnr integer
  ---@param on_dir fun(root_dir?: string)
  root_dir = function(bufnr, on_dir)
    local fname = vim.api.nvim_buf_get_name(bufnr)
    if vim.bo[bufnr].filetype == 'yaml' and not kube_unit_near(fname) then
      return
    end
    local root = vim.fs.root(bufnr, { '.git' })
    if not root then
      local units = vim.fs.find(function(name)
        for _, ext in ipairs(unit_exts) do
          if name:match('%.' .. ext .. '$') then
            return true
          end
        end
        return false
      end, { path = vim.fs.dirname(fname), upward = true, type = 'file', limit = 1 })
      root = units[1] and vim.fs.dirname(units[1]) or vim.fs.dirname(fname)
    end
    on_dir(root)
  end,
  init_options = settings,
  settings = settings,
}
