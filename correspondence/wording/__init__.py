"""Wording: case + figures -> structured paragraphs in the letter's language, tone and credit type."""
from .catalogue import available_kinds, write_blocks
from .language import LanguagePack, language_pack
from .paragraph import Block, Run, plain

__all__ = ["Block", "LanguagePack", "Run", "available_kinds", "language_pack", "plain", "write_blocks"]
