# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration of mmlab's documentation: `make htmldocs` at the top of
# the tree builds it into build/htmldocs with warnings treated as errors.
# Kept close to the kernel's Documentation/conf.py (classic theme, no
# highlighting of literal blocks) so the pages look like the kernel's own.

project = 'mmlab'
copyright = 'The mmlab authors'
author = 'The mmlab authors'
release = '6.1'

extensions = []

master_doc = 'index'
source_suffix = '.rst'
# Captured sessions (sessions/*.txt) are included by pages, not pages.
exclude_patterns = ['sessions', 'build', '_build']

# As the kernel: literal blocks are shown as typed, not lexed.
highlight_language = 'none'

html_theme = 'classic'
html_theme_options = {
    'rightsidebar': False,
    'stickysidebar': True,
    'collapsiblesidebar': True,
    'externalrefs': False,
    'footerbgcolor': 'white',
    'footertextcolor': 'white',
    'sidebarbgcolor': 'white',
    'sidebarbtncolor': 'black',
    'sidebartextcolor': 'black',
    'sidebarlinkcolor': '#686bff',
    'relbarbgcolor': '#133f52',
    'relbartextcolor': 'white',
    'relbarlinkcolor': 'white',
    'bgcolor': 'white',
    'textcolor': 'black',
    'headbgcolor': '#f2f2f2',
    'headtextcolor': '#20435c',
    'headlinkcolor': '#c60f0f',
    'linkcolor': '#355f7c',
    'visitedlinkcolor': '#355f7c',
    'codebgcolor': '#fafafa',
    'codetextcolor': 'black',
}
html_static_path = []
html_show_sourcelink = False
html_title = 'mmlab documentation'
