"""The roster as a workbook (xlsx or a folder of CSV sheets): template, write and read."""
