"""Forms, one module per topic."""

from programmes.forms.programmes import ProgrammeForm

__all__ = ["ProgrammeForm"]
