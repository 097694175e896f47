"""Face engines behind one interface (base.FaceEngine): 'local' (dlib, offline) and 'aws' (Rekognition)."""
