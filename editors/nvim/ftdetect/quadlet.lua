-- Podman Quadlet units, and the .conf drop-ins in the `.d/` folders beside
-- them (foo.container.d/, foo-.container.d/, foo@.container.d/, container.d/).
-- Other .conf files keep their own filetype.
local exts = { 'container', 'volume', 'network', 'kube', 'pod', 'image', 'build', 'artifact' }

local extension, pattern = {}, {}
for _, ext in ipairs(exts) do
  extension[ext] = 'quadlet'
  -- a drop-in folder named after a unit (any prefix) or after the unit type
  pattern['.*%.' .. ext .. '%.d/[^/]+%.conf'] = { 'quadlet', { priority = 10 } }
  pattern['.*/' .. ext .. '%.d/[^/]+%.conf'] = { 'quadlet', { priority = 10 } }
  pattern[ext .. '%.d/[^/]+%.conf'] = { 'quadlet', { priority = 10 } }
end

vim.filetype.add({ extension = extension, pattern = pattern })
