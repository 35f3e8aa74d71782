#include "sources/dataset_store.h"
