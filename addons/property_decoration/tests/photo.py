# This file is part of the property-management suite.
"A small photo for the pass tests"
import base64

PHOTO = base64.b64decode(
    'iVBORw0KGgoAAAANSUhEUgAAABgAAAAgCAIAAACHPC9vAAAAIklEQVR4nGNooBJgGDVo1KBRg0YNGjVo1KBRg0YNGh4GAQA9J4A9DQZsTgAAAABJRU5ErkJggg==')
