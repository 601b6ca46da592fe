from tiny_book import *

# Stand-ins for the built ebooks, which the download buttons offer with their sizes.
guide_ebook_dir = "ebooks"
