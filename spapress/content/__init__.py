"""Stage 1, content: read handouts/*.yaml, check every file against its declared fields, and
return the Library as frozen dataclasses that every later stage reads.

    yamlsrc.py   YAML with the line of every key and item, so messages can point at them; content
                 files kept in the on-disk cache as what they read into
    yamlparse.py PyYAML, bounded (no aliases, limited nesting), for files not in the cache
    ynodes.py    the maps and lists YAML is read into, remembering their lines
    schema.py    declared fields: the one way data is checked, and the docs made from it
    rules.py     each rule written once: ids, colours, addresses, lengths, widths, dates, files
    model.py     the Library and everything in it (brand, points, techniques, tools, topics,
                 sheets, booklets), and the Project's folders
    load.py      the content schemas and load_library(): every problem in every file at once

May import only spapress.errors and spapress.cache. Never ReportLab: a build with nothing to do stays quick.
"""
