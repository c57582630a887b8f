"""Presentation for templates: figures for people (formatting.py), language colours and shares
(languages.py), the geometry of SVG charts (charts.py) and their drawing (svg.py). Pure
functions of plain data: nothing here imports the rest of the app."""
