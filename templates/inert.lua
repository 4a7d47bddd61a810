-- Author text made inert, before any writer sees it: in the bundled engine's reading of the .qmd
-- (hta/convert/convert.py, Reading) and in Quarto's (`hta build --engine quarto`), which the .qmd names it for.
-- Raw code is shown as code, a link to anything but the web, mail or a place in the report is its text, and
-- an attribute is kept only where it cannot carry code.

local SCHEMES = { "http://", "https://", "mailto:" }
local NAME = "^[A-Za-z0-9_][A-Za-z0-9_:%.%-]*$"
local UNITS = { [""] = true, ["%"] = true, px = true, cm = true, mm = true, ["in"] = true, pt = true, em = true }
local BANNER_CLASS = "hta-banner"

local function is_safe_target(target)
  target = target:match("^%s*(.-)%s*$")
  if target:sub(1, 1) == "#" then
    return true
  end
  local lower = target:lower()
  for _, scheme in ipairs(SCHEMES) do
    if lower:sub(1, #scheme) == scheme then
      return true
    end
  end
  return false
end

local function is_dimension(value)
  local number, unit = value:match("^(%d+%.?%d*)(.*)$")
  return number ~= nil and number:sub(-1) ~= "." and UNITS[unit] == true
end

local function safe_attr(attr, kind)
  local identifier = attr.identifier:match(NAME) and attr.identifier or ""
  local classes = {}
  for _, class in ipairs(attr.classes) do
    if class:match(NAME) then
      table.insert(classes, class)
    end
  end
  local has_banner_class = false
  for _, class in ipairs(classes) do
    has_banner_class = has_banner_class or class == BANNER_CLASS
  end
  local kept = {}
  for _, pair in ipairs(attr.attributes) do
    local key, value = pair[1], pair[2]
    if kind == "Image" and (key == "width" or key == "height") and is_dimension(value) then
      table.insert(kept, { key, value })
    elseif kind == "Div" and key == "custom-style" and has_banner_class and value == "Banner" then
      table.insert(kept, { key, value })
    end
  end
  return pandoc.Attr(identifier, classes, kept)
end

local filter = {
  RawBlock = function(raw)
    return pandoc.CodeBlock(raw.text)
  end,
  RawInline = function(raw)
    return pandoc.Code(raw.text)
  end,
  Link = function(link)
    if not is_safe_target(link.target) then
      return pandoc.Span(link.content)
    end
    link.attr = safe_attr(link.attr, "Link")
    return link
  end,
}
for _, kind in ipairs({ "Code", "CodeBlock", "Header", "Div", "Span", "Image", "Table", "Figure" }) do
  filter[kind] = function(element)
    element.attr = safe_attr(element.attr, kind)
    return element
  end
end

return { filter }
