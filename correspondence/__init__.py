"""correspondence: debt-collection letters for Italy and Spain, their figures, signatures and proof of delivery."""
__version__ = "0.1.0"
