"""Timetables from timetabling programs: FET files and XHSTT archives read into rosters
(`read_timetable`), with the periods, teachers, the periods each teaches, teams and rooms."""
