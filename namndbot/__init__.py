"""namndbot: sammanträdeslogistik för kommunala nämnder."""

__version__ = "0.1.0"
