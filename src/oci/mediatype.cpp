#include "mediatype.h"
