"""The one error type the command-line tools turn into exit code 2."""


class ResultsError(Exception):
    """Missing or malformed input. The message names the file (and column or key) at fault."""

    def __init__(self, path, problem, column=None):
        self.path = str(path)
        self.column = column
        self.problem = problem
        where = f"{self.path}: column '{column}'" if column else self.path
        super().__init__(f"{where}: {problem}")
