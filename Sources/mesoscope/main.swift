print("mesoscope")
