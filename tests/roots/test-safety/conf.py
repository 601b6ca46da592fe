from tiny_book import *
