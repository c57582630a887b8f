"""Presentation shared by templates, cards and exports: figures for people (formatting.py) and
the geometry of SVG charts (charts.py), which templates/charts/ draw. Pure functions of plain
data: nothing here imports the rest of the app."""
