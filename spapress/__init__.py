"""The spa's handout press: YAML content + Jinja2 layouts -> branded PDF handouts."""

__version__ = "0.1.0"
