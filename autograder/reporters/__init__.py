"""Reporters render one GradeReport; none of them computes a score."""
