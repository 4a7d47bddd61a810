-- The bundled engine's reading of the .qmd (hta/convert/convert.py, Reading), run after citeproc and
-- templates/inert.lua in the one pandoc run that reads the report: it hands the inert AST to the Word and HTML
-- writers on stdout, as one line of JSON, as soon as it has it (they start while pandoc writes the Typst
-- source), then hands pandoc's Typst writer the tree the PDF's template needs.
-- Typst source is written here, not in a second pandoc run from that AST: a tenth of a second less before the
-- PDF can be compiled.
--
-- HTA_PICTURES names a JSON file of the pictures the .qmd may show, by target: {"show": the file the PDF
-- shows, "description": the words of a figure hta drew}; an author's picture has no description and keeps
-- its own alt text. A picture not in it becomes its alt text: nothing outside the build is ever read.

local function read_json(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("a")
  file:close()
  return pandoc.json.decode(text, false)
end

-- A Typst string literal holding the text exactly.
local function typst_string(text)
  local escaped = text:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\n", "\\n"):gsub("\r", "\\r"):gsub("\t", "\\t")
  return '"' .. escaped .. '"'
end

-- The text of inlines as a screen reader says it.
local function plain(inlines)
  local words = {}
  local function add(element)
    local kind = element.t or element.tag
    if kind == "Str" then
      table.insert(words, element.text)
    elseif kind == "Space" or kind == "SoftBreak" or kind == "LineBreak" then
      table.insert(words, " ")
    elseif kind == "Code" or kind == "Math" then
      table.insert(words, element.text)
    elseif kind == "Quoted" then
      table.insert(words, '"' .. plain(element.content) .. '"')
    elseif element.content then
      for _, child in ipairs(element.content) do
        add(child)
      end
    end
  end
  for _, element in ipairs(inlines) do
    add(element)
  end
  return table.concat(words)
end

local UNITS = { ["%"] = true, cm = true, mm = true, ["in"] = true, pt = true, px = true }

-- A Markdown width or height as a Typst length: 50%, 5cm, 2in, 120px; anything else is left out.
local function typst_length(value)
  if not value then
    return nil
  end
  local number, unit = value:match("^%s*(%d+%.?%d*)%s*(%a*%%?)%s*$")
  if not number or number:sub(-1) == "." or not UNITS[unit] then
    return nil
  end
  if unit == "px" then
    return string.format("%gpt", tonumber(number) * 0.75)
  end
  return number .. unit
end

-- A picture as Typst code that carries its alt text: pandoc's Typst writer drops it, and an accessible PDF
-- (PDF/UA-1) needs it; a picture without alt text is decoration (a PDF artifact). The trailing semicolon ends
-- the code, so text right after the picture stays text.
local function typst_image(target, alt, attributes)
  local arguments = { typst_string(target) }
  for _, name in ipairs({ "width", "height" }) do
    local length = typst_length(attributes[name])
    if length then
      table.insert(arguments, name .. ": " .. length)
    end
  end
  if not alt:match("%S") then
    return "#pdf.artifact(box(image(" .. table.concat(arguments, ", ") .. ")));"
  end
  table.insert(arguments, 2, "alt: " .. typst_string(alt))
  return "#box(image(" .. table.concat(arguments, ", ") .. "));"
end

local function picture_for_typst(pictures)
  return function(image)
    local picture = pictures[image.src]
    if picture == nil then
      return pandoc.Span(image.caption)
    end
    local alt = picture.description or plain(image.caption)
    return pandoc.RawInline("typst", typst_image(picture.show, alt, image.attributes))
  end
end

-- Every column `auto`, sized by the template to its content; the template shades the header row, and in
-- the PICO table (in a div .pico) also the first column, which labels the rows.
local function shaded(fill)
  return function(tbl)
    if tbl.attributes["typst:fill"] == nil then
      local specs = {}
      for i, spec in ipairs(tbl.colspecs) do
        specs[i] = { spec[1], nil }
      end
      tbl.colspecs = specs
      tbl.attributes["typst:fill"] = fill
    end
    return tbl
  end
end

local function is_banner(block)
  return block.t == "Div" and block.classes:includes("hta-banner")
end

return {
  {
    Pandoc = function(doc)
      -- pandoc writes JSON on one line: strings hold their line breaks as \n
      io.stdout:write(pandoc.write(doc, "json"), "\n")
      io.stdout:flush()
      local pictures = read_json(os.getenv("HTA_PICTURES"))
      doc = doc:walk({
        Div = function(div)
          if div.classes:includes("pico") then
            return div:walk({ Table = shaded("hta-label-fill") })
          end
        end,
      })
      doc = doc:walk({ Table = shaded("hta-header-fill"), Image = picture_for_typst(pictures) })
      -- the PDF's template prints the status banner itself
      return doc:walk({
        Blocks = function(blocks)
          return blocks:filter(function(block) return not is_banner(block) end)
        end,
      })
    end,
  },
}
