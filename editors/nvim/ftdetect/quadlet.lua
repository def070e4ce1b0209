-- Podman Quadlet units, and the .conf drop-ins in the `.d/` folders beside
-- them (foo.container.d/, foo-.container.d/, foo@.container.d/, container.d/).
-- Other .conf files keep their own filetype.
--
-- Patterns with a priority, not `extension`: Neovim's own table marks units
-- under containers/systemd/ (and any `*.network` under a systemd/ folder) as
-- `systemd` with patterns, which come before extensions.
local exts = { 'container', 'volume', 'network', 'kube', 'pod', 'image', 'build', 'artifact' }

local pattern = {}
for _, ext in ipairs(exts) do
  -- the unit (matched against the file name)
  pattern['.*%.' .. ext] = { 'quadlet', { priority = 10 } }
  -- a drop-in folder named after a unit (any prefix) or after the unit type
  pattern['.*%.' .. ext .. '%.d/[^/]+%.conf'] = { 'quadlet', { priority = 10 } }
  pattern['.*/' .. ext .. '%.d/[^/]+%.conf'] = { 'quadlet', { priority = 10 } }
  pattern[ext .. '%.d/[^/]+%.conf'] = { 'quadlet', { priority = 10 } }
end

vim.filetype.add({ pattern = pattern })
