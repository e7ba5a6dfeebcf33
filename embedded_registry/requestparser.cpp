#include "requestparser.h"
